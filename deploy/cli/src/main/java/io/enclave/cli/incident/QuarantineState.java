package io.enclave.cli.incident;

import java.util.ArrayList;
import java.util.List;

/**
 * What a quarantine did, as {@link QuarantineFile} keeps it: who, why, since when, and each step
 * taken with what {@code release} needs to reverse exactly that step (the ACL bindings, the
 * savepoint, the accounts locked), and the accounts found locked already. A plain Jackson bean.
 */
public class QuarantineState {
    public String tenant;
    public String reason;
    public String scope;
    /** ISO-8601 UTC. */
    public String since;
    /** The operating-system user who ran the command. */
    public String by;
    /** Publishes refused while quarantined, as publishers counted them ({@link QuarantineFile#countRefused}). */
    public long refusedEvents;

    public List<Step> steps = new ArrayList<>();

    /**
     * Accounts with a grant on the tenant's database that were locked already when the quarantine
     * came: left locked, and never unlocked by {@code release}, which reverses the steps only.
     */
    public List<String> alreadyLocked = new ArrayList<>();

    /**
     * DENY ACLs ({@link PublisherDenial#describe}) that existed already when the quarantine came, an operator's own:
     * no step, so {@code release} never removes them.
     */
    public List<String> alreadyDenied = new ArrayList<>();

    /**
     * ISO-8601 UTC when every step of the scope succeeded; null while the quarantine is incomplete (cut short by a
     * failed step), which {@code respond} reports instead of taking it for a containment.
     */
    public String completed;

    /** One containment step and what reverses it. */
    public static class Step {
        /** {@code publisher_acl}, {@code tenant_job}, {@code ingest_job} or {@code db_account}. */
        public String kind;
        /** The ACL, job name or account concerned. */
        public String target;
        /** For a job: the savepoint it was stopped with; empty otherwise. */
        public String savepoint = "";
        /** For a job: the id of the job that was stopped. */
        public String jobId = "";
        /** ISO-8601 UTC. */
        public String at;

        public Step() {}

        public Step(String kind, String target, String at) {
            this.kind = kind;
            this.target = target;
            this.at = at;
        }
    }
}
