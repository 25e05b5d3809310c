package io.enclave.cli.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.ResourceGroup;
import io.enclave.config.Secret;
import io.enclave.config.StarRocksTarget;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.StarRocksDialect;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code provision --database} reads and runs on StarRocks, statement by statement. No
 * StarRocks server runs here, so the server answers the SHOW statements with rows shaped as
 * StarRocks documents them (SHOW ROLES: Name; SHOW USERS: User; SHOW GRANTS: Grants; SHOW
 * RESOURCE GROUP: name, cpu share, mem_limit) and records what is executed.
 */
class StarRocksAccessTest {
    private static final TenantConfig TENANT = TenantConfig.builder("co")
            .organization("Org co")
            .database(new DatabaseSettings("co_db", "co_writer", Secret.of("pw-co-secret"), "co_key"))
            .resourceGroup(new ResourceGroup(2, 30))
            .build();

    /** Scripted answers to SHOW statements; every executed statement is recorded. */
    private static final class ScriptedServer implements StarRocksAccess.Server {
        final Map<String, List<String[]>> answers = new HashMap<>();
        final List<String> executed = new ArrayList<>();
        boolean logsIn = true;

        ScriptedServer answer(String sql, String[] labels, String[]... rows) {
            List<String[]> all = new ArrayList<>();
            all.add(labels);
            all.addAll(List.of(rows));
            answers.put(sql, all);
            return this;
        }

        @Override
        public List<String[]> query(String sql) {
            return answers.getOrDefault(sql, List.<String[]>of(new String[] {"x"}));
        }

        @Override
        public void execute(String sql) {
            executed.add(sql);
        }

        @Override
        public void executeSecret(String sql) {
            executed.add(sql.replace("pw-co-secret", "<secret>"));
        }

        @Override
        public boolean logsIn(TenantConfig tenant) {
            return logsIn;
        }
    }

    private static List<Finding> plan(ScriptedServer server, String version) throws SQLException {
        return new StarRocksAccess(server, new StarRocksDialect(new StarRocksTarget(version, 1, 0))).plan(TENANT);
    }

    private static void runFixes(List<Finding> findings) throws Exception {
        for (Finding f : findings) {
            if (f.fix() != null) {
                f.fix().apply();
            }
        }
    }

    @Test
    void aFreshClusterGetsRoleUserGrantsAndResourceGroup() throws Exception {
        ScriptedServer server = new ScriptedServer()
                .answer("SHOW ROLES", new String[] {"Name"}, new String[] {"root"})
                .answer("SHOW USERS", new String[] {"User"}, new String[] {"'root'@'%'"});

        List<Finding> findings = plan(server, "3.3");
        assertThat(findings)
                .extracting(Finding::drift)
                .containsOnly(Drift.MISSING)
                .hasSize(5);
        runFixes(findings);

        assertThat(server.executed)
                .containsExactly(
                        "CREATE ROLE IF NOT EXISTS `tenant_co_writer`",
                        "CREATE USER 'co_writer'@'%' IDENTIFIED BY '<secret>'",
                        "GRANT SELECT, INSERT ON ALL TABLES IN DATABASE `co_db` TO ROLE `tenant_co_writer`",
                        "GRANT `tenant_co_writer` TO USER 'co_writer'@'%'",
                        "SET DEFAULT ROLE `tenant_co_writer` TO 'co_writer'@'%'",
                        "CREATE RESOURCE GROUP IF NOT EXISTS `tenant_co_rg`\nTO (user='co_writer'),"
                                + " (role='tenant_co_writer')\nWITH (\"cpu_core_limit\" = \"2\", \"mem_limit\" = \"30%\")",
                        "ALTER RESOURCE GROUP `tenant_co_rg` WITH (\"cpu_core_limit\" = \"2\", \"mem_limit\" = \"30%\")");
        assertThat(String.join("\n", server.executed)).doesNotContain("pw-co-secret");
    }

    @Test
    void aProvisionedTenantIsUnchanged() throws Exception {
        ScriptedServer server = provisioned("30.0%");

        List<Finding> findings = plan(server, "3.4");

        assertThat(findings)
                .extracting(Finding::drift)
                .containsOnly(Drift.IN_SYNC)
                .hasSize(5);
        assertThat(findings).allMatch(f -> f.fix() == null);
    }

    @Test
    void changedLimitsAndPasswordConvergeWithoutRecreating() throws Exception {
        ScriptedServer server = provisioned("50.0%");
        server.logsIn = false;

        List<Finding> findings = plan(server, "3.4");
        runFixes(findings);

        assertThat(findings)
                .filteredOn(f -> f.drift() == Drift.DIFFERS)
                .extracting(Finding::resource)
                .containsExactly("user 'co_writer'@'%'", "resource group tenant_co_rg");
        assertThat(server.executed)
                .containsExactly(
                        "ALTER USER 'co_writer'@'%' IDENTIFIED BY '<secret>'",
                        "ALTER RESOURCE GROUP `tenant_co_rg` WITH (\"cpu_weight\" = \"2\", \"mem_limit\" = \"30%\")");
    }

    @Test
    void aGrantOnAnotherDatabaseIsNotTheTenantsGrant() {
        assertThat(StarRocksAccess.grantsOn(
                        "GRANT SELECT, INSERT ON ALL TABLES IN DATABASE co_db TO ROLE 'tenant_co_writer'", "co_db"))
                .isTrue();
        assertThat(StarRocksAccess.grantsOn(
                        "GRANT SELECT, INSERT ON ALL TABLES IN DATABASE co_db2 TO ROLE 'tenant_co_writer'", "co_db"))
                .isFalse();
        assertThat(StarRocksAccess.grantsOn(
                        "GRANT SELECT ON ALL TABLES IN DATABASE co_db TO ROLE 'tenant_co_writer'", "co_db"))
                .isFalse();
    }

    /** A server where everything exists with the 3.4 spelling, mem_limit as given. */
    private static ScriptedServer provisioned(String memLimit) {
        return new ScriptedServer()
                .answer("SHOW ROLES", new String[] {"Name"}, new String[] {"tenant_co_writer"})
                .answer("SHOW USERS", new String[] {"User"}, new String[] {"'co_writer'@'%'"})
                .answer(
                        "SHOW GRANTS FOR ROLE 'tenant_co_writer'",
                        new String[] {"RoleName", "Catalog", "Grants"},
                        new String[] {
                            "tenant_co_writer",
                            "default",
                            "GRANT INSERT, SELECT ON ALL TABLES IN DATABASE co_db TO ROLE 'tenant_co_writer'"
                        })
                .answer(
                        "SHOW GRANTS FOR 'co_writer'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"},
                        new String[] {"'co_writer'@'%'", null, "GRANT 'tenant_co_writer' TO 'co_writer'@'%'"})
                .answer(
                        "SHOW RESOURCE GROUP `tenant_co_rg`",
                        new String[] {"name", "id", "cpu_weight", "mem_limit", "classifiers"},
                        new String[] {"tenant_co_rg", "10", "2", memLimit, "(user=co_writer)"});
    }
}
