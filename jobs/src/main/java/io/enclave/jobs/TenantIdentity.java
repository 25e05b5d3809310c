package io.enclave.jobs;

import io.enclave.config.GlobalSettings;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.JdbcSinkOptions;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before a tenant's job is built, that it will act only as its own tenant: its Kafka
 * clients log in as the tenant's job principal and nobody else, and its JDBC sinks connect as
 * the tenant's database user. A pass-through client property that would change who the client
 * is (a login callback, Kerberos or OAuth settings, a client certificate used as the identity)
 * fails the job at submission, since it could make every tenant's job the same principal.
 */
public final class TenantIdentity {
    private static final Pattern USERNAME = Pattern.compile("username=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Keys that are part of Enclave's own per-tenant login and may be set by it. */
    private static final Set<String> OWN_SASL_KEYS = Set.of("sasl.mechanism", "sasl.jaas.config");

    private TenantIdentity() {}

    /**
     * @throws IllegalStateException naming the offending property key (never its value) when the
     *         properties could log in as anyone but the tenant's job principal
     */
    public static void requireKafkaPrincipal(Properties props, GlobalSettings global, TenantConfig tenant) {
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("sasl.") && !OWN_SASL_KEYS.contains(key)) {
                throw refuse(tenant, "client property " + key + " would change how the job logs in");
            }
        }
        String protocol = props.getProperty("security.protocol", "PLAINTEXT");
        if ("SSL".equals(protocol) && props.getProperty("ssl.keystore.location") != null) {
            throw refuse(
                    tenant,
                    "with security_protocol SSL the shared client certificate would be every job's"
                            + " principal; use SASL_SSL");
        }
        if (!global.kafkaUsesSasl()) {
            return;
        }
        String jaas = props.getProperty("sasl.jaas.config", "");
        Matcher m = USERNAME.matcher(jaas);
        if (!m.find()) {
            throw refuse(tenant, "the Kafka login names no user");
        }
        String user = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
        if (!user.equals(tenant.kafka().username()) || m.find()) {
            throw refuse(
                    tenant,
                    "the Kafka login is not the tenant's job principal "
                            + tenant.kafka().username());
        }
    }

    /** The sinks connect as the tenant's own database user, to the tenant's own database. */
    public static void requireDatabaseUser(JdbcSinkOptions options, TenantConfig tenant) {
        if (!options.tenantId().equals(tenant.id())
                || !options.user().equals(tenant.database().user())
                || !options.database().equals(tenant.database().schema())) {
            throw refuse(tenant, "the sinks would write as " + options.user() + " into " + options.database());
        }
    }

    private static IllegalStateException refuse(TenantConfig tenant, String why) {
        return new IllegalStateException("job of tenant " + tenant.id() + " refuses to start: " + why);
    }
}
