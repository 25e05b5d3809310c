package io.enclave.cli.render;

import io.enclave.config.GlobalSettings;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shared services a tenant's job talks to, as ports for network rules: the Kafka brokers of
 * {@code global.kafka.bootstrap_servers} and the StarRocks frontend of {@code global.database.jdbc_url},
 * plus the StarRocks FE and BE HTTP ports that loads are redirected through.
 *
 * @param kafkaPorts the ports of the bootstrap servers
 * @param starRocksPorts the FE query port from the JDBC URL, FE HTTP and BE HTTP
 */
public record ServiceEndpoints(List<Integer> kafkaPorts, List<Integer> starRocksPorts) {
    /** StarRocks FE HTTP port (stream load entry, REST). */
    static final int STARROCKS_FE_HTTP = 8030;
    /** StarRocks BE HTTP port (stream load redirect target). */
    static final int STARROCKS_BE_HTTP = 8040;

    private static final int MYSQL_DEFAULT_PORT = 3306;

    public ServiceEndpoints {
        kafkaPorts = List.copyOf(kafkaPorts);
        starRocksPorts = List.copyOf(starRocksPorts);
    }

    public static ServiceEndpoints of(GlobalSettings global) {
        Set<Integer> kafka = new TreeSet<>();
        for (String server : global.kafkaBootstrapServers().split(",")) {
            String hostPort = server.trim();
            // The config validates host:port, so the port is the text after the last colon.
            kafka.add(Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)));
        }
        Set<Integer> starRocks = new TreeSet<>();
        URI uri = URI.create(global.databaseJdbcUrl().substring("jdbc:".length()));
        starRocks.add(uri.getPort() < 0 ? MYSQL_DEFAULT_PORT : uri.getPort());
        starRocks.add(STARROCKS_FE_HTTP);
        starRocks.add(STARROCKS_BE_HTTP);
        return new ServiceEndpoints(List.copyOf(kafka), List.copyOf(starRocks));
    }
}
