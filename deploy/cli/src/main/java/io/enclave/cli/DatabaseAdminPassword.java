package io.enclave.cli;

import io.enclave.config.EnclaveConfig;
import io.enclave.config.ReaderSettings;
import io.enclave.config.TenantConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the database admin's password comes from ({@code --db-admin-password-file}, else the
 * variable {@code --db-admin-password-env} names): never the command line, where the process
 * list shows it. Shared by {@code provision}, which logs in with it, and {@code validate}, which
 * refuses a reader whose password is the admin's.
 */
final class DatabaseAdminPassword {
    @Option(
            names = "--db-admin-password-env",
            paramLabel = "VAR",
            defaultValue = "ENCLAVE_DB_ADMIN_PASSWORD",
            description = "Environment variable holding the database admin's password (default: ${DEFAULT-VALUE})."
                    + " Never the password itself on the command line, where the process list shows it.")
    String environment;

    @Option(
            names = "--db-admin-password-file",
            paramLabel = "FILE",
            description = "File whose first line is the database admin's password; wins over --db-admin-password-env.")
    Path file;

    /** From the file if given, else the environment variable; empty when neither holds one (a passwordless admin). */
    String password() {
        if (file != null) {
            try {
                return Files.readAllLines(file).stream().findFirst().orElse("");
            } catch (IOException e) {
                throw new UsageException("cannot read the password file " + file + " (--db-admin-password-file)");
            }
        }
        return System.getenv().getOrDefault(environment, "");
    }

    /**
     * One line per reader whose password is the admin's: such a reader could log in as the
     * admin, which no grant limits. Empty when no admin password is known.
     */
    List<String> readersWithTheAdminsPassword(EnclaveConfig config) {
        String admin = password();
        List<String> problems = new ArrayList<>();
        if (admin.isEmpty()) {
            return problems;
        }
        for (TenantConfig tenant : config.tenants()) {
            for (ReaderSettings reader : tenant.readers()) {
                if (reader.password().reveal().equals(admin)) {
                    problems.add("tenants." + tenant.id() + ".readers[" + reader.name() + "].password: is the same as"
                            + " the database admin's password (" + source()
                            + "); a reader needs a password of its own");
                }
            }
        }
        return problems;
    }

    private String source() {
        return file != null ? "--db-admin-password-file" : "$" + environment;
    }
}
