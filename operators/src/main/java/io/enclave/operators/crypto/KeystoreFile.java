package io.enclave.operators.crypto;

import io.enclave.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Reads and writes the key store file. Writes go to a temporary file that replaces the store in
 * one move, under a lock, so a job opening the store never sees half a file and two key commands
 * never lose each other's change. Error messages name the path and never the password.
 */
final class KeystoreFile {
    static final String BCFKS = "BCFKS";
    static final String PKCS12 = "PKCS12";

    /** One provider instance for the JVM: creating BouncyCastleProvider is expensive. */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final Path path;
    private final Secret password;
    private final String type;

    KeystoreFile(Path path, Secret password, String type) {
        this.path = path;
        this.password = password;
        this.type = type.toUpperCase(Locale.ROOT);
        if (!this.type.equals(BCFKS) && !this.type.equals(PKCS12)) {
            throw new IllegalArgumentException("key store type must be BCFKS or PKCS12, not " + type);
        }
    }

    Path path() {
        return path;
    }

    KeyStore.PasswordProtection protection() {
        return new KeyStore.PasswordProtection(password.reveal().toCharArray());
    }

    boolean exists() {
        return Files.isRegularFile(path);
    }

    /** The store as it is on disk. */
    KeyStore load() {
        if (!exists()) {
            throw new KeyUnavailableException(
                    "key store " + path + " does not exist; create it with ./enclave keys init");
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = newStore();
            store.load(in, password.reveal().toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            // The provider's message can be vague ("mac invalid"); say what it usually means, without the password.
            throw new KeyUnavailableException(
                    "cannot open " + type + " key store " + path + ": wrong password, wrong type, or a damaged file ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    /** Loads the store (an empty one if there is no file yet), lets {@code change} edit it, and writes it back. */
    <T> T update(StoreChange<T> change) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path lockFile = parent.resolve(path.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                KeyStore store = exists() ? load() : empty();
                T result = change.apply(store);
                write(store, parent);
                return result;
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyUnavailableException("cannot update key store " + path + ": " + e.getMessage());
        }
    }

    private void write(KeyStore store, Path parent) throws IOException {
        Path temp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try {
            restrictToOwner(temp);
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                store.store(out, password.reveal().toCharArray());
            } catch (GeneralSecurityException e) {
                throw new IOException("the " + type + " provider refused to write it ("
                        + e.getClass().getSimpleName() + ")");
            }
            try {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private KeyStore empty() throws IOException {
        try {
            KeyStore store = newStore();
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create an empty " + type + " key store", e);
        }
    }

    private KeyStore newStore() throws GeneralSecurityException {
        // The JDK's PKCS12 keeps secret keys; BouncyCastle's PKCS12 does not, so only BCFKS comes from BC.
        return type.equals(BCFKS) ? KeyStore.getInstance(BCFKS, BOUNCY_CASTLE) : KeyStore.getInstance(PKCS12);
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system; its own ACLs apply.
        }
    }

    /** An edit of the loaded store. */
    @FunctionalInterface
    interface StoreChange<T> {
        T apply(KeyStore store) throws IOException, GeneralSecurityException;
    }
}
