package io.enclave.cli.provision;

/**
 * How one live resource compares with what the config says, and what {@code provision} did
 * about it. A dry run prints {@link #label()}; a real run prints {@link #outcome()}.
 */
public enum Drift {
    /** As configured; nothing to do. */
    IN_SYNC("OK", "UNCHANGED"),
    /** Configured but not there; provisioning creates it. */
    MISSING("MISSING", "CREATED"),
    /** There, but not as configured (partitions, password, quota, a grant); provisioning changes it. */
    DIFFERS("DIFFERS", "CHANGED"),
    /** There and inside the tenant's scope, but not in the config (an ACL, a grant); provisioning removes it. */
    EXTRA("EXTRA", "REMOVED"),
    /** Not in the config and not safe to change automatically; listed for a human, left alone. */
    UNEXPECTED("UNEXPECTED", "UNEXPECTED");

    private final String label;
    private final String outcome;

    Drift(String label, String outcome) {
        this.label = label;
        this.outcome = outcome;
    }

    public String label() {
        return label;
    }

    public String outcome() {
        return outcome;
    }

    /** Whether a dry run should report this as a difference from the config. */
    public boolean isDifference() {
        return this != IN_SYNC;
    }
}
