package io.enclave.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.sinks.dialect.MySqlDialect;
import io.enclave.sinks.dialect.StarRocksDialect;
import io.enclave.sinks.schema.DayPartitionRetention;
import io.enclave.sinks.schema.TenantTables;
import org.junit.jupiter.api.Test;

/** The audit log's DDL: keyed by (tenant, sequence), and in StarRocks kept for retention_days by daily partitions. */
class AuditDdlTest {
    private static final DayPartitionRetention RETENTION = new DayPartitionRetention("event_time", 2555);

    @Test
    void starRocksDropsPartitionsOlderThanTheRetention() {
        String ddl = new StarRocksDialect().createTable("colorado_emergency", TenantTables.auditLog(), RETENTION);

        assertThat(ddl).contains("PRIMARY KEY (`tenant_id`, `sequence`, `event_time`)",
                "PARTITION BY RANGE(`event_time`) ()", "DISTRIBUTED BY HASH(`tenant_id`, `sequence`)",
                "\"dynamic_partition.enable\" = \"true\"", "\"dynamic_partition.time_unit\" = \"DAY\"",
                "\"dynamic_partition.start\" = \"-2555\"");
    }

    @Test
    void mySqlUpsertsByTenantAndSequenceAndLeavesRetentionToPurge() {
        String ddl = new MySqlDialect().createTable("colorado_emergency", TenantTables.auditLog(), RETENTION);

        assertThat(ddl).contains("PRIMARY KEY (`tenant_id`, `sequence`)").doesNotContain("PARTITION");
        assertThat(new MySqlDialect().upsert("colorado_emergency", TenantTables.auditLog()))
                .contains("ON DUPLICATE KEY UPDATE").contains("`signature` = VALUES(`signature`)");
    }
}
