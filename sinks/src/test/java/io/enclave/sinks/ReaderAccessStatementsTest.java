package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.ReaderSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.StarRocksDialect;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The statements a DBA reviews for a tenant's readers: SELECT alone on the tenant's own
 * database, through the role {@code tenant_<id>_reader} on StarRocks, with passwords as
 * placeholders; and the one list of the tenant's accounts that locking and drift checks use.
 */
class ReaderAccessStatementsTest {
    private static final TenantConfig TENANT = TenantConfig.builder("ab_c")
            .organization("Ab C")
            .database(new DatabaseSettings("ab_c", "ab_c_writer", Secret.of("writer-secret"), "ab_c_key"))
            .readers(List.of(
                    new ReaderSettings("ab_c_analyst", Secret.of("analyst-secret"), false, Set.of(), 100),
                    new ReaderSettings("ab_c_auditor", Secret.of("auditor-secret"), true, Set.of(), 100)))
            .build();

    @Test
    void starRocksGrantsSelectToTheReaderRoleAndTheRoleToEachReader() {
        List<String> ddl = new TenantDatabase(TENANT, new StarRocksDialect()).accessStatements();

        assertThat(ddl)
                .containsSubsequence(
                        "CREATE ROLE IF NOT EXISTS `tenant_ab_c_reader`",
                        "GRANT SELECT ON ALL TABLES IN DATABASE `ab_c` TO ROLE `tenant_ab_c_reader`",
                        "CREATE USER IF NOT EXISTS 'ab_c_analyst'@'%' IDENTIFIED BY"
                                + " '<tenants.ab_c.readers[ab_c_analyst].password>'",
                        "GRANT `tenant_ab_c_reader` TO USER 'ab_c_analyst'@'%'",
                        "SET DEFAULT ROLE `tenant_ab_c_reader` TO 'ab_c_analyst'@'%'",
                        "SET PROPERTY FOR 'ab_c_analyst' 'max_user_connections' = '4'",
                        "GRANT `tenant_ab_c_reader` TO USER 'ab_c_auditor'@'%'");
        assertThat(ddl)
                .filteredOn(s -> s.contains("tenant_ab_c_reader") && s.startsWith("GRANT") && s.contains(" ON "))
                .singleElement()
                .asString()
                .doesNotContain("INSERT", "UPDATE", "DELETE");
        assertThat(ddl)
                .anySatisfy(
                        s -> assertThat(s).startsWith("CREATE RESOURCE GROUP").contains("(role='tenant_ab_c_reader')"));
        assertThat(String.join("\n", ddl)).doesNotContain("secret");
    }

    @Test
    void mySqlGrantsEachReaderSelectOnTheEscapedDatabaseOnly() {
        List<String> ddl = new TenantDatabase(TENANT, new MySqlDialect()).accessStatements();

        // ab_c unescaped would also match abxc: the reader's grant escapes it like the writer's.
        assertThat(ddl)
                .contains(
                        "GRANT SELECT ON `ab\\_c`.* TO 'ab_c_analyst'@'%'",
                        "ALTER USER 'ab_c_analyst'@'%' WITH MAX_USER_CONNECTIONS 4",
                        "GRANT SELECT ON `ab\\_c`.* TO 'ab_c_auditor'@'%'");
        assertThat(ddl)
                .filteredOn(s -> s.contains("ab_c_analyst"))
                .noneMatch(s -> s.contains("INSERT") || s.contains("UPDATE"));
        assertThat(String.join("\n", ddl)).doesNotContain("secret");
    }

    @Test
    void accountsAreTheWriterThenEveryReader() {
        TenantDatabase database = new TenantDatabase(TENANT, new MySqlDialect());
        assertThat(database.accounts())
                .containsExactly("'ab_c_writer'@'%'", "'ab_c_analyst'@'%'", "'ab_c_auditor'@'%'");
        assertThat(database.accountUsers()).containsExactly("ab_c_writer", "ab_c_analyst", "ab_c_auditor");
    }
}
