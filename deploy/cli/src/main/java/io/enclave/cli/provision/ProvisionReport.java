package io.enclave.cli.provision;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The findings of one provisioning run, applied or only listed, and printed one line per
 * resource, so an operator sees exactly what was created, changed, removed or left alone.
 */
public final class ProvisionReport {
    /**
     * Exit code when a dry run found differences, a real run left some for a human, or a fix
     * failed: the check "in line with the config" failed (the CLI's exit code 1).
     */
    public static final int DRIFT = 1;

    private final List<Finding> findings = new ArrayList<>();

    public void addAll(List<Finding> more) {
        findings.addAll(more);
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    /**
     * Prints every finding and, unless {@code dryRun}, applies each fix in order, printing its
     * outcome. A failing fix is printed as FAILED with the error's type and message, and the
     * run goes on, so one broken resource does not hide the state of the others.
     *
     * @return 0 when everything is (now) as configured, {@link #DRIFT} when differences remain,
     *         a dry run found some, or a fix failed
     */
    public int run(boolean dryRun, PrintWriter out) {
        out.printf("%-20s %-9s %-10s %-70s %s%n", "TENANT", "LAYER", dryRun ? "DRIFT" : "STATUS", "RESOURCE", "DETAIL");
        boolean differences = false;
        boolean failed = false;
        for (Finding f : findings) {
            String status;
            if (dryRun || f.fix() == null) {
                status = dryRun ? f.drift().label() : f.drift().outcome();
                differences |= dryRun ? f.drift().isDifference() : f.drift() == Drift.UNEXPECTED;
            } else {
                try {
                    f.fix().apply();
                    status = f.drift().outcome();
                } catch (Exception e) {
                    status = "FAILED";
                    failed = true;
                    f = new Finding(
                            f.tenant(),
                            f.layer(),
                            f.resource(),
                            Drift.UNEXPECTED,
                            f.detail() + " (" + describe(e) + ")",
                            null);
                }
            }
            out.printf("%-20s %-9s %-10s %-70s %s%n", f.tenant(), f.layer(), status, f.resource(), f.detail());
        }
        out.flush();
        return failed || differences ? DRIFT : 0;
    }

    private static String describe(Exception e) {
        Throwable cause =
                e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
