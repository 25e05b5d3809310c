package io.enclave.config;

import java.io.Serializable;
import java.util.Map;

/**
 * Settings shared by every tenant: where Kafka and the StarRocks frontend are, how clients
 * secure their connections, and the SIEM topic. Holds no tenant's secret.
 *
 * @param kafkaBootstrapServers host:port list of the brokers
 * @param kafkaSecurityProtocol PLAINTEXT, SASL_PLAINTEXT, SASL_SSL or SSL
 * @param kafkaSaslMechanism SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, used when the protocol is SASL
 * @param kafkaClientProperties passed through to every Kafka client (e.g. TLS trust store settings)
 * @param databaseJdbcUrl the StarRocks FE (or MySQL-protocol) JDBC address, without a database
 * @param databaseDialect whether the database is StarRocks or MySQL/MariaDB
 * @param siemTopic the topic receiving audit records of tenants with siem_integration
 * @param apis the upstream APIs the ingestion jobs poll
 * @param starRocks the StarRocks release, replication and backend cores the DDL is written for
 */
public record GlobalSettings(
        String kafkaBootstrapServers,
        String kafkaSecurityProtocol,
        String kafkaSaslMechanism,
        Map<String, String> kafkaClientProperties,
        String databaseJdbcUrl,
        DatabaseDialect databaseDialect,
        String siemTopic,
        ApiEndpoints apis,
        StarRocksTarget starRocks)
        implements Serializable {
    public GlobalSettings {
        kafkaClientProperties = Map.copyOf(kafkaClientProperties);
        java.util.Objects.requireNonNull(starRocks, "starRocks");
    }

    /** Settings for the default StarRocks target ({@link StarRocksTarget#DEFAULT}). */
    public GlobalSettings(
            String kafkaBootstrapServers,
            String kafkaSecurityProtocol,
            String kafkaSaslMechanism,
            Map<String, String> kafkaClientProperties,
            String databaseJdbcUrl,
            DatabaseDialect databaseDialect,
            String siemTopic,
            ApiEndpoints apis) {
        this(
                kafkaBootstrapServers,
                kafkaSecurityProtocol,
                kafkaSaslMechanism,
                kafkaClientProperties,
                databaseJdbcUrl,
                databaseDialect,
                siemTopic,
                apis,
                StarRocksTarget.DEFAULT);
    }

    /** The same settings pointing at another Kafka cluster, e.g. an embedded one. */
    public GlobalSettings withKafka(String bootstrapServers, String securityProtocol) {
        return new GlobalSettings(
                bootstrapServers,
                securityProtocol,
                kafkaSaslMechanism,
                kafkaClientProperties,
                databaseJdbcUrl,
                databaseDialect,
                siemTopic,
                apis,
                starRocks);
    }

    /** The same settings pointing at another database server. */
    public GlobalSettings withDatabase(String jdbcUrl, DatabaseDialect dialect) {
        return new GlobalSettings(
                kafkaBootstrapServers,
                kafkaSecurityProtocol,
                kafkaSaslMechanism,
                kafkaClientProperties,
                jdbcUrl,
                dialect,
                siemTopic,
                apis,
                starRocks);
    }

    public GlobalSettings withApis(ApiEndpoints otherApis) {
        return new GlobalSettings(
                kafkaBootstrapServers,
                kafkaSecurityProtocol,
                kafkaSaslMechanism,
                kafkaClientProperties,
                databaseJdbcUrl,
                databaseDialect,
                siemTopic,
                otherApis,
                starRocks);
    }

    public boolean kafkaUsesSasl() {
        return kafkaSecurityProtocol.startsWith("SASL_");
    }

    /** The JDBC URL of one database under the configured frontend, keeping the URL's options. */
    public String jdbcUrlFor(String database) {
        int query = databaseJdbcUrl.indexOf('?');
        String base = query < 0 ? databaseJdbcUrl : databaseJdbcUrl.substring(0, query);
        String options = query < 0 ? "" : databaseJdbcUrl.substring(query);
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/" + database + options;
    }

    /** Names the client properties but hides their values, which may include trust store passwords. */
    @Override
    public String toString() {
        return "GlobalSettings[kafkaBootstrapServers=" + kafkaBootstrapServers
                + ", kafkaSecurityProtocol=" + kafkaSecurityProtocol
                + ", kafkaSaslMechanism=" + kafkaSaslMechanism
                + ", kafkaClientProperties=" + new java.util.TreeSet<>(kafkaClientProperties.keySet())
                + ", databaseJdbcUrl=" + databaseJdbcUrl
                + ", databaseDialect=" + databaseDialect
                + ", siemTopic=" + siemTopic
                + ", apis=" + apis
                + ", starRocks=" + starRocks + "]";
    }
}
