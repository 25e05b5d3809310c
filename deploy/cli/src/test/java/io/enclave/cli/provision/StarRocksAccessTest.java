package io.enclave.cli.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.ReaderSettings;
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
import java.util.Set;
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
        public boolean logsIn(String user, String password) {
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

    private static final TenantConfig WITH_READER = TenantConfig.builder("co")
            .organization("Org co")
            .database(new DatabaseSettings("co_db", "co_writer", Secret.of("pw-co-secret"), "co_key"))
            .readers(List.of(new ReaderSettings("co_analyst", Secret.of("pw-co-secret"), false, Set.of(), 100, 100)))
            .resourceGroup(new ResourceGroup(2, 30))
            .build();

    private static StarRocksAccess access(ScriptedServer server) {
        return new StarRocksAccess(server, new StarRocksDialect(new StarRocksTarget("3.3", 1, 0)));
    }

    @Test
    void readersGetTheirRoleUserAndDefaultRole() throws Exception {
        ScriptedServer server = new ScriptedServer()
                .answer("SHOW ROLES", new String[] {"Name"}, new String[] {"root"})
                .answer("SHOW USERS", new String[] {"User"}, new String[] {"'root'@'%'"});

        List<Finding> findings = access(server).plan(WITH_READER);
        runFixes(findings);

        assertThat(findings)
                .extracting(Finding::resource)
                .contains(
                        "role tenant_co_reader",
                        "grant SELECT ON ALL TABLES IN DATABASE co_db TO ROLE tenant_co_reader",
                        "user 'co_analyst'@'%'",
                        "role tenant_co_reader TO 'co_analyst'@'%' (default role)");
        assertThat(server.executed)
                .contains(
                        "CREATE ROLE IF NOT EXISTS `tenant_co_reader`",
                        "GRANT SELECT ON ALL TABLES IN DATABASE `co_db` TO ROLE `tenant_co_reader`",
                        "CREATE USER 'co_analyst'@'%' IDENTIFIED BY '<secret>'",
                        "SET PROPERTY FOR 'co_analyst' 'max_user_connections' = '100'",
                        "GRANT `tenant_co_reader` TO USER 'co_analyst'@'%'",
                        "SET DEFAULT ROLE `tenant_co_reader` TO 'co_analyst'@'%'");
        assertThat(server.executed)
                .filteredOn(sql -> sql.contains("tenant_co_reader") && sql.startsWith("GRANT "))
                .noneMatch(sql -> sql.contains("INSERT"));
    }

    @Test
    void aProvisionedTenantClaimsNothingForeign() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer("SELECT CURRENT_USER()", new String[] {"CURRENT_USER()"}, new String[] {"'root'@'%'"});
        assertThat(access(server).foreignClaims(TENANT)).isEmpty();
    }

    @Test
    void anExistingUserHoldingAnotherTenantsRoleIsRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer(
                        "SHOW GRANTS FOR 'co_writer'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"},
                        new String[] {"'co_writer'@'%'", null, "GRANT 'tenant_tx_writer' TO 'co_writer'@'%'"});
        assertThat(access(server).foreignClaims(TENANT))
                .singleElement()
                .asString()
                .contains("user 'co_writer'@'%' already holds role tenant_tx_writer");
    }

    @Test
    void anExistingAdministratorOrTheAdminItselfIsRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer("SELECT CURRENT_USER()", new String[] {"CURRENT_USER()"}, new String[] {"'co_writer'@'%'"})
                .answer(
                        "SHOW GRANTS FOR 'co_writer'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"},
                        new String[] {"'co_writer'@'%'", null, "GRANT 'db_admin', 'user_admin' TO 'co_writer'@'%'"});
        assertThat(access(server).foreignClaims(TENANT))
                .anySatisfy(r -> assertThat(r).contains("is the administrative account provisioning connects as"))
                .anySatisfy(r -> assertThat(r).contains("holds role db_admin"))
                .anySatisfy(r -> assertThat(r).contains("holds role user_admin"));
    }

    @Test
    void anExistingUserWithAPrivilegeOfItsOwnIsRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer(
                        "SHOW GRANTS FOR 'co_writer'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"}, new String[] {
                            "'co_writer'@'%'",
                            "default",
                            "GRANT SELECT ON ALL TABLES IN DATABASE tx_db TO USER 'co_writer'@'%'"
                        });
        assertThat(access(server).foreignClaims(TENANT))
                .singleElement()
                .asString()
                .contains("already holds a privilege of its own");
    }

    @Test
    void aDatabaseAnotherRoleOrUserHoldsIsRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer("SHOW ROLES", new String[] {"Name"}, new String[] {"tenant_co_writer"}, new String[] {
                    "tenant_tx_writer"
                })
                .answer(
                        "SHOW USERS",
                        new String[] {"User"},
                        new String[] {"'co_writer'@'%'"},
                        new String[] {"'tx_writer'@'%'"},
                        new String[] {"'bi'@'%'"})
                .answer(
                        "SHOW GRANTS FOR ROLE 'tenant_tx_writer'",
                        new String[] {"RoleName", "Catalog", "Grants"},
                        new String[] {
                            "tenant_tx_writer",
                            "default",
                            "GRANT INSERT, SELECT ON ALL TABLES IN DATABASE co_db TO ROLE 'tenant_tx_writer'"
                        })
                .answer(
                        "SHOW GRANTS FOR 'tx_writer'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"},
                        new String[] {"'tx_writer'@'%'", null, "GRANT 'tenant_tx_writer' TO 'tx_writer'@'%'"})
                .answer(
                        "SHOW GRANTS FOR 'bi'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"}, new String[] {
                            "'bi'@'%'", "default", "GRANT SELECT ON TABLE co_db.disaster_declarations TO USER 'bi'@'%'"
                        });
        assertThat(access(server).foreignClaims(TENANT))
                .containsExactly(
                        "database co_db is already granted to role tenant_tx_writer; it may be another tenant's database",
                        "database co_db is already granted to user 'bi'@'%'; it may be another tenant's database");
    }

    /**
     * A second config file reusing tenant id {@code co} with another schema: the role names come
     * from the id, so the existing {@code tenant_co_writer} is the first file's, granted on its
     * database. Provisioning would hand the second file's writer that database.
     */
    @Test
    void theTenantsOwnRoleGrantedOnAnotherDatabaseIsRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer(
                        "SHOW GRANTS FOR ROLE 'tenant_co_writer'",
                        new String[] {"RoleName", "Catalog", "Grants"},
                        new String[] {
                            "tenant_co_writer",
                            "default",
                            "GRANT INSERT, SELECT ON ALL TABLES IN DATABASE co_db TO ROLE 'tenant_co_writer'"
                        },
                        new String[] {
                            "tenant_co_writer",
                            "default",
                            "GRANT INSERT, SELECT ON ALL TABLES IN DATABASE first_co_db TO ROLE 'tenant_co_writer'"
                        });
        assertThat(access(server).foreignClaims(TENANT))
                .singleElement()
                .asString()
                .contains(
                        "role tenant_co_writer already holds GRANT INSERT, SELECT ON ALL TABLES IN DATABASE"
                                + " first_co_db",
                        "not only its own");
    }

    @Test
    void theTenantsOwnRolesHoldingMoreThanTheirPrivilegesAreRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer("SHOW ROLES", new String[] {"Name"}, new String[] {"tenant_co_writer"}, new String[] {
                    "tenant_co_reader"
                })
                .answer(
                        "SHOW GRANTS FOR ROLE 'tenant_co_writer'",
                        new String[] {"RoleName", "Catalog", "Grants"},
                        new String[] {
                            "tenant_co_writer", "default", "GRANT DROP ON DATABASE co_db TO ROLE 'tenant_co_writer'"
                        })
                .answer(
                        "SHOW GRANTS FOR ROLE 'tenant_co_reader'",
                        new String[] {"RoleName", "Catalog", "Grants"},
                        new String[] {
                            "tenant_co_reader",
                            "default",
                            "GRANT INSERT, SELECT ON ALL TABLES IN DATABASE co_db TO ROLE 'tenant_co_reader'"
                        });
        assertThat(access(server).foreignClaims(TENANT))
                .anySatisfy(r -> assertThat(r).contains("role tenant_co_writer already holds GRANT DROP"))
                .anySatisfy(r -> assertThat(r).contains("role tenant_co_reader already holds GRANT INSERT, SELECT"))
                .hasSize(2);
    }

    @Test
    void theTenantsOwnRoleGrantedToAnotherUserIsRefused() throws Exception {
        ScriptedServer server = provisioned("30.0%")
                .answer("SHOW USERS", new String[] {"User"}, new String[] {"'co_writer'@'%'"}, new String[] {
                    "'first_writer'@'%'"
                })
                .answer(
                        "SHOW GRANTS FOR 'first_writer'@'%'",
                        new String[] {"UserIdentity", "Catalog", "Grants"},
                        new String[] {"'first_writer'@'%'", null, "GRANT 'tenant_co_writer' TO 'first_writer'@'%'"});
        assertThat(access(server).foreignClaims(TENANT))
                .singleElement()
                .asString()
                .contains("role tenant_co_writer is already granted to user 'first_writer'@'%'");
    }

    @Test
    void grantRowsAreReadAsStarRocksPrintsThem() {
        assertThat(StarRocksAccess.rolesGranted("GRANT 'tenant_co_writer', 'public' TO 'co_writer'@'%'"))
                .containsExactly("tenant_co_writer", "public");
        assertThat(StarRocksAccess.rolesGranted("GRANT SELECT ON ALL TABLES IN DATABASE co_db TO USER 'u'@'%'"))
                .isEmpty();
        assertThat(StarRocksAccess.names("GRANT SELECT ON ALL TABLES IN DATABASE co_db TO ROLE 'r'", "co_db"))
                .isTrue();
        assertThat(StarRocksAccess.names("GRANT SELECT ON TABLE co_db.t TO ROLE 'r'", "co_db"))
                .isTrue();
        assertThat(StarRocksAccess.names("GRANT DROP ON DATABASE co_db TO ROLE 'r'", "co_db"))
                .isTrue();
        assertThat(StarRocksAccess.names("GRANT SELECT ON ALL TABLES IN DATABASE co_db2 TO ROLE 'r'", "co_db"))
                .isFalse();
        assertThat(StarRocksAccess.names("GRANT SELECT ON TABLE co_db2.t TO ROLE 'r'", "co_db"))
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
