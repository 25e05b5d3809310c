package io.enclave.sinks;

import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import io.enclave.operators.record.DisasterDeclaration;
import io.enclave.operators.record.TenantEvent;
import io.enclave.operators.record.WeatherAlert;

/** Records as the tagger would produce them, built by hand so each test sees every value it asserts. */
public final class SinkFixtures {
    /** 2024-12-08T22:46:06.123Z. */
    public static final long PROCESSING_TIME = 1_733_697_966_123L;

    private SinkFixtures() {}

    public static TenantEvent disaster(String tenantId, String id, String title, String... states) {
        DisasterDeclaration d = new DisasterDeclaration();
        d.id = id;
        d.femaDeclarationString = "DR-4706-OK";
        d.disasterNumber = 4706;
        d.state = states.length > 0 ? states[0] : null;
        d.declarationType = "DR";
        d.declarationDate = "2024-08-09T00:00:00.000Z";
        d.fyDeclared = 2024;
        d.incidentType = "Severe Storm";
        d.declarationTitle = title;
        d.ihProgramDeclared = Boolean.TRUE;
        d.iaProgramDeclared = Boolean.FALSE;
        d.paProgramDeclared = Boolean.TRUE;
        d.hmProgramDeclared = null;
        d.incidentBeginDate = "2024-12-08T17:46:06-05:00";
        d.incidentEndDate = null;
        d.disasterCloseoutDate = null;
        d.tribalRequest = Boolean.FALSE;
        d.fipsStateCode = "40";
        d.fipsCountyCode = "109";
        d.placeCode = "99109";
        d.designatedArea = "Oklahoma (County)";
        d.declarationRequestNumber = "24057";
        d.declarationRequestDate = "2024-07-12T00:00:00+00:00";
        d.lastIAFilingDate = null;
        d.incidentId = "2024062501";
        d.region = 6;
        d.designatedIncidentTypes = "R";
        d.lastRefresh = "2024-12-08T22:46:06+00:00";
        d.hash = "6d1a0f0b5a4e";

        TenantEvent e = tags(tenantId, StreamKind.DISASTERS, id, states);
        e.disaster = d;
        return e;
    }

    public static TenantEvent alert(String tenantId, String id, String severity, String... states) {
        WeatherAlert a = new WeatherAlert();
        a.id = id;
        a.areaDesc = "Denver; Boulder";
        a.sameCodes = new String[] {"008031", "008013"};
        a.ugcCodes = new String[] {"COZ039", "COZ040"};
        a.sent = "2024-12-08T17:46:06-05:00";
        a.effective = "2024-12-08T22:46:06+00:00";
        a.onset = null;
        a.expires = "2024-12-09T06:00:00-07:00";
        a.ends = null;
        a.status = "Actual";
        a.messageType = "Alert";
        a.category = "Met";
        a.severity = severity;
        a.certainty = "Likely";
        a.urgency = "Expected";
        a.event = "Winter Storm Warning";
        a.sender = "w-nws.webmaster@noaa.gov";
        a.senderName = "NWS Boulder CO";
        a.headline = "Winter Storm Warning issued December 8";
        a.description = "Heavy snow. Total accumulations of 8 to 14 inches. It's \"cold\".";
        a.instruction = null;
        a.response = "Prepare";

        TenantEvent e = tags(tenantId, StreamKind.WEATHER, id, states);
        e.alert = a;
        return e;
    }

    private static TenantEvent tags(String tenantId, StreamKind stream, String key, String... states) {
        TenantEvent e = new TenantEvent();
        e.tenantId = tenantId;
        e.stream = stream;
        e.naturalKey = key;
        e.claimedTenant = tenantId;
        e.classification = "PUBLIC";
        e.states = states;
        e.processingTime = PROCESSING_TIME;
        e.isolationBoundary = "tenant:" + tenantId;
        e.dataOwner = "Owner of " + tenantId;
        e.contentHash = Integer.toHexString(key.hashCode());
        e.sourceTopic = "tenant_" + tenantId + "_" + stream.topicSuffix();
        e.sourcePartition = 2;
        e.sourceOffset = 5_000_000_000L + Math.abs(key.hashCode() % 1000);
        return e;
    }

    public static AuditRecord audit(String tenantId, String recordId, AuditOutcome outcome, String detail) {
        AuditRecord a = new AuditRecord();
        a.recordId = recordId;
        a.tenantId = tenantId;
        a.action = AuditAction.RECORD_REJECTED;
        a.outcome = outcome;
        a.reason = outcome == AuditOutcome.SUCCESS ? "" : "state_not_allowed";
        a.detail = detail;
        a.eventTime = PROCESSING_TIME;
        a.jobName = "tenant_" + tenantId + "_emergency_processing";
        a.operator = "tenant_guard";
        a.subtask = 1;
        a.host = "tm-1";
        a.sourceTopic = "tenant_" + tenantId + "_disasters";
        a.sourcePartition = 0;
        a.sourceOffset = -1L;
        a.recordKey = null;
        a.principal = tenantId + "_writer";
        a.classification = "PUBLIC";
        a.fedramp = true;
        a.dora = false;
        a.piiInvolved = false;
        // audit_log is keyed by (tenant, sequence): one position per record id, the same on a replay.
        a.sequence = Math.floorMod(recordId.hashCode(), 1_000_000) + 1L;
        a.prevHash = "0".repeat(64);
        a.hash = "1".repeat(64);
        a.signer = tenantId + "/job/v1";
        a.signature = "2".repeat(128);
        a.firstOffset = -1L;
        a.lastOffset = -1L;
        a.checkpointId = -1L;
        return a;
    }

    /** A tenant {@code id} with its database dropped and created afresh on {@code db}, its writer account included. */
    static io.enclave.config.TenantConfig freshTenant(
            io.enclave.embedded.EmbeddedMariaDb db, String id, String password) throws java.sql.SQLException {
        io.enclave.config.TenantConfig tenant = io.enclave.config.TenantConfig.builder(id)
                .database(new io.enclave.config.DatabaseSettings(
                        id, id + "_writer", io.enclave.config.Secret.of(password), id + "_key"))
                .build();
        try (java.sql.Connection root = db.rootConnection();
                java.sql.Statement st = root.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + id);
            TenantDatabase database = new TenantDatabase(tenant, new io.enclave.sinks.dialect.MySqlDialect());
            database.createSchema(root);
            database.createUser(root);
        }
        return tenant;
    }
}
