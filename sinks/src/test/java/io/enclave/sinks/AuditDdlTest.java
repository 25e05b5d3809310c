package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.SqlDialect;
import io.enclave.sinks.dialect.StarRocksDialect;
import io.enclave.sinks.schema.DayPartitionRetention;
import io.enclave.sinks.schema.TenantTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The audit tables' DDL and the job account's grants, as generated for each dialect: append-only
 * audit tables (DUPLICATE KEY in StarRocks, where a PRIMARY KEY table's INSERT would overwrite),
 * kept for retention_days by daily partitions in StarRocks, and an account that may INSERT audit
 * rows but never UPDATE or DELETE them. There is no StarRocks server here, so the generated SQL
 * is what is checked; MariaDB runs the MySQL dialect for real in TenantDatabaseITCase.
 */
class AuditDdlTest {
    private static final DayPartitionRetention RETENTION = new DayPartitionRetention("chained_at", 2555);
    private static final TenantConfig TENANT = TenantConfig.builder("colorado_state")
            .organization("Colorado")
            .database(new DatabaseSettings("colorado_emergency", "colorado_writer", Secret.of("pw"), "colorado_key"))
            .build();

    @Test
    void starRocksAuditTablesAreDuplicateKeyTablesSoAnInsertCanOnlyAppend() {
        List<String> ddl = new TenantDatabase(TENANT, new StarRocksDialect()).schemaStatements();
        for (String table : TenantTables.APPEND_ONLY) {
            assertThat(ddl)
                    .filteredOn(s -> s.contains("`colorado_emergency`.`" + table + "` ("))
                    .singleElement()
                    .satisfies(s -> assertThat(s)
                            .contains("\nDUPLICATE KEY (`tenant_id`, ")
                            .doesNotContain("PRIMARY KEY"));
        }
        assertThat(ddl)
                .filteredOn(s -> s.contains("`disaster_declarations` ("))
                .singleElement()
                .satisfies(s -> assertThat(s).contains("PRIMARY KEY (`id`)"));
        assertThat(new StarRocksDialect().insertOnly("colorado_emergency", TenantTables.auditLog()))
                .startsWith("INSERT INTO `colorado_emergency`.`audit_log` (`tenant_id`, `sequence`, ");
    }

    @Test
    void starRocksDropsAuditPartitionsOlderThanTheRetention() {
        String ddl =
                new StarRocksDialect().createAppendOnlyTable("colorado_emergency", TenantTables.auditLog(), RETENTION);

        assertThat(ddl)
                .contains(
                        "DUPLICATE KEY (`tenant_id`, `sequence`)",
                        "PARTITION BY RANGE(`chained_at`) ()",
                        "DISTRIBUTED BY HASH(`tenant_id`, `sequence`)",
                        "\"dynamic_partition.enable\" = \"true\"",
                        "\"dynamic_partition.time_unit\" = \"DAY\"",
                        "\"dynamic_partition.start\" = \"-2555\"");
        assertThat(new StarRocksDialect().createAppendOnlyTable("colorado_emergency", TenantTables.auditHead(), null))
                .contains("DUPLICATE KEY (`tenant_id`, `sequence`)")
                .doesNotContain("PARTITION");
    }

    /**
     * The provisioned StarRocks audit log drops whole days by the time each row was chained, the
     * time the chainer cuts its day anchors on, never by the event time a command's record
     * carries (which can be older than its neighbours'): so a dropped day is always a prefix of
     * the chain, ending right before an anchor.
     */
    @Test
    void starRocksPartitionsTheAuditLogByChainingTimeTheDayAnchorsAreCutOn() {
        List<String> ddl = new TenantDatabase(TENANT, new StarRocksDialect()).schemaStatements();

        assertThat(ddl)
                .filteredOn(s -> s.contains("`colorado_emergency`.`audit_log` ("))
                .singleElement()
                .satisfies(s -> assertThat(s)
                        .contains(
                                "`chained_at` DATETIME NOT NULL COMMENT \"UTC, milliseconds, "
                                        + "when the job chained the record\"",
                                "PARTITION BY RANGE(`chained_at`) ()",
                                "\"dynamic_partition.time_unit\" = \"DAY\"")
                        .doesNotContain("RANGE(`event_time`)"));
        assertThat(ddl)
                .filteredOn(s -> s.contains("`audit_anchor` ("))
                .singleElement()
                .satisfies(s -> assertThat(s).doesNotContain("PARTITION"));
    }

    @Test
    void mySqlKeysAuditRowsByTenantAndSequenceAndInsertsWithoutOverwriting() {
        String ddl = new MySqlDialect().createAppendOnlyTable("colorado_emergency", TenantTables.auditLog(), RETENTION);

        assertThat(ddl).contains("PRIMARY KEY (`tenant_id`, `sequence`)").doesNotContain("PARTITION");
        assertThat(new MySqlDialect().createAppendOnlyTable("colorado_emergency", TenantTables.auditHead(), null))
                .contains("PRIMARY KEY (`tenant_id`, `sequence`)");
        assertThat(new MySqlDialect().insertOnly("colorado_emergency", TenantTables.auditLog()))
                .startsWith("INSERT IGNORE INTO `colorado_emergency`.`audit_log`")
                .doesNotContain("UPDATE");
    }

    @Test
    void neitherDialectGrantsTheJobUpdateOrDeleteOnAnAuditTable() {
        List<String> starRocks = new TenantDatabase(TENANT, new StarRocksDialect()).accessStatements();
        assertThat(starRocks)
                .contains("GRANT SELECT, INSERT ON ALL TABLES IN DATABASE `colorado_emergency` TO ROLE "
                        + "`tenant_colorado_state_writer`");
        assertThat(starRocks).noneMatch(s -> s.startsWith("GRANT") && (s.contains("UPDATE") || s.contains("DELETE")));

        List<String> mysql = new TenantDatabase(TENANT, new MySqlDialect()).accessStatements();
        assertThat(mysql)
                .contains(
                        "GRANT SELECT, INSERT ON `colorado\\_emergency`.* TO 'colorado_writer'@'%'",
                        "GRANT UPDATE ON `colorado_emergency`.`disaster_declarations` TO 'colorado_writer'@'%'",
                        "GRANT UPDATE ON `colorado_emergency`.`weather_alerts` TO 'colorado_writer'@'%'");
        assertThat(mysql).noneMatch(s -> s.contains("DELETE"));
        for (String table : TenantTables.APPEND_ONLY) {
            assertThat(mysql)
                    .noneMatch(s -> s.contains("UPDATE") && (s.contains(".*") || s.contains(SqlDialect.quote(table))));
        }
    }
}
