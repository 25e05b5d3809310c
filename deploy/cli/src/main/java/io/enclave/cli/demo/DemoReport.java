package io.enclave.cli.demo;

import io.enclave.config.TenantConfig;
import io.enclave.operators.RejectReason;
import io.enclave.sinks.TenantTableCounts;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** Prints the demo's per-tenant table: produced, accepted, rejected by reason, and rows per table. */
final class DemoReport {
    private static final List<RejectReason> SHOWN = List.of(
            RejectReason.CROSS_TENANT,
            RejectReason.STATE_NOT_ALLOWED,
            RejectReason.CLASSIFICATION_NOT_ALLOWED,
            RejectReason.MALFORMED);

    private DemoReport() {}

    static void print(
            PrintWriter out,
            List<TenantConfig> tenants,
            Map<String, Long> produced,
            Map<String, TenantTableCounts> counts) {
        out.printf(
                "%-18s %9s %9s %9s %8s %8s %8s %8s %6s %10s %8s%n",
                "TENANT",
                "PRODUCED",
                "ACCEPTED",
                "REJECTED",
                "FOREIGN",
                "STATE",
                "CLASSIF",
                "MALFORM",
                "OTHER",
                "DISASTERS",
                "WEATHER");
        for (TenantConfig tenant : tenants) {
            TenantTableCounts c = counts.get(tenant.id());
            long shown = 0;
            long[] byReason = new long[SHOWN.size()];
            for (int i = 0; i < SHOWN.size(); i++) {
                byReason[i] = c.rejectedByReason().getOrDefault(SHOWN.get(i).label(), 0L);
                shown += byReason[i];
            }
            out.printf(
                    "%-18s %9d %9d %9d %8d %8d %8d %8d %6d %10d %8d%n",
                    tenant.id(),
                    produced.get(tenant.id()),
                    c.accepted(),
                    c.rejected(),
                    byReason[0],
                    byReason[1],
                    byReason[2],
                    byReason[3],
                    c.rejected() - shown,
                    c.disasters(),
                    c.weather());
        }
        out.flush();
    }
}
