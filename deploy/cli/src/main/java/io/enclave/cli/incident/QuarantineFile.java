package io.enclave.cli.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.enclave.config.TenantConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a tenant's quarantine is recorded: {@code <tenant>.quarantine.json} beside the tenant's
 * key store, the one directory that is the tenant's own and that the operator's CLI already
 * keeps, so the record survives a restart of the CLI (and of the machine). It is rewritten after
 * every step, atomically, so a quarantine cut short is released step by step as far as it got.
 * A release moves it to {@code <tenant>.quarantine.released-<time>.json}, kept as history.
 */
public final class QuarantineFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    private QuarantineFile(Path file) {
        this.file = file;
    }

    /** The quarantine file of {@code tenant}, beside its key store. */
    public static QuarantineFile of(TenantConfig tenant) {
        Path store = Path.of(tenant.keystore().path()).toAbsolutePath();
        return new QuarantineFile(store.resolveSibling(tenant.id() + ".quarantine.json"));
    }

    public Path path() {
        return file;
    }

    /** The recorded quarantine, when the tenant is quarantined. */
    public Optional<QuarantineState> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), QuarantineState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the quarantine record " + file, e);
        }
    }

    /** Writes {@code state} whole, through a temporary file, so a crash never leaves half a record. */
    public void write(QuarantineState state) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), state);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the quarantine record " + file, e);
        }
    }

    /** Counts {@code events} a publisher had refused (an authorization error) while the tenant was quarantined. */
    public synchronized void countRefused(long events) {
        read().ifPresent(state -> {
            state.refusedEvents += events;
            write(state);
        });
    }

    /** Keeps the released record as history; the tenant is no longer quarantined. */
    public Path archive(Instant releasedAt) {
        Path history = file.resolveSibling(file.getFileName().toString().replace(".json", "") + ".released-"
                + releasedAt.toString().replace(':', '-') + ".json");
        try {
            return Files.move(file, history);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive the quarantine record " + file, e);
        }
    }
}
