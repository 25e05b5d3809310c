package io.enclave.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything one tenant's job needs, validated and immutable; {@link #keystore()} is the
 * tenant's own key store, which holds no other tenant's keys.
 */
public record TenantConfig(
        String id,
        String organization,
        Classification classificationLevel,
        DatabaseSettings database,
        KafkaCredentials kafka,
        KafkaCredentials kafkaPublisher,
        KafkaQuotas kafkaQuotas,
        ResourceGroup resourceGroup,
        ApiAccess apiAccess,
        DataRestrictions dataRestrictions,
        AuditRequirements auditRequirements,
        SecurityEnhancements securityEnhancements,
        ProcessingSettings processing,
        KeystoreSettings keystore,
        List<ReaderSettings> readers)
        implements Serializable {

    public TenantConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(classificationLevel, "classificationLevel");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(kafkaPublisher, "kafkaPublisher");
        Objects.requireNonNull(kafkaQuotas, "kafkaQuotas");
        Objects.requireNonNull(resourceGroup, "resourceGroup");
        Objects.requireNonNull(apiAccess, "apiAccess");
        Objects.requireNonNull(dataRestrictions, "dataRestrictions");
        Objects.requireNonNull(auditRequirements, "auditRequirements");
        Objects.requireNonNull(securityEnhancements, "securityEnhancements");
        Objects.requireNonNull(processing, "processing");
        Objects.requireNonNull(keystore, "keystore");
        readers = List.copyOf(readers);
    }

    /** A tenant without reader accounts. */
    public TenantConfig(
            String id,
            String organization,
            Classification classificationLevel,
            DatabaseSettings database,
            KafkaCredentials kafka,
            KafkaCredentials kafkaPublisher,
            KafkaQuotas kafkaQuotas,
            ResourceGroup resourceGroup,
            ApiAccess apiAccess,
            DataRestrictions dataRestrictions,
            AuditRequirements auditRequirements,
            SecurityEnhancements securityEnhancements,
            ProcessingSettings processing,
            KeystoreSettings keystore) {
        this(
                id,
                organization,
                classificationLevel,
                database,
                kafka,
                kafkaPublisher,
                kafkaQuotas,
                resourceGroup,
                apiAccess,
                dataRestrictions,
                auditRequirements,
                securityEnhancements,
                processing,
                keystore,
                List.of());
    }

    /** The reader named {@code name}, if the tenant has one. */
    public Optional<ReaderSettings> reader(String name) {
        return readers.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /**
     * This tenant with only {@code role}'s signing key store password (one of
     * {@link SigningPasswords#ROLES}): what a process that signs as that role keeps, so the job
     * graph of the tenant job carries neither the ingest job's nor the CLI's.
     */
    public TenantConfig forSigner(String role) {
        return new TenantConfig(
                id,
                organization,
                classificationLevel,
                database,
                kafka,
                kafkaPublisher,
                kafkaQuotas,
                resourceGroup,
                apiAccess,
                dataRestrictions,
                auditRequirements,
                securityEnhancements,
                processing,
                keystore.withSigningPasswords(keystore.signingPasswords().only(role)),
                // Only the CLI's query command logs in as a reader; a job's graph carries no reader password.
                "cli".equals(role) ? readers : List.of());
    }

    public TenantNames names() {
        return new TenantNames(this);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builder for tests and tools; the YAML loader is the usual way to get a TenantConfig. */
    public static final class Builder {
        private final String id;
        private String organization = "";
        private Classification classificationLevel = Classification.INTERNAL;
        private DatabaseSettings database;
        private KafkaCredentials kafka = KafkaCredentials.NONE;
        private KafkaCredentials kafkaPublisher = KafkaCredentials.NONE;
        private KafkaQuotas kafkaQuotas = KafkaQuotas.DEFAULT;
        private ResourceGroup resourceGroup = ResourceGroup.DEFAULT;
        private ApiAccess apiAccess = new ApiAccess(Secret.of(""), StateScope.all(), java.util.Map.of());
        private DataRestrictions dataRestrictions;
        private AuditRequirements auditRequirements = new AuditRequirements(365, false);
        private SecurityEnhancements securityEnhancements = SecurityEnhancements.NONE;
        private ProcessingSettings processing = ProcessingSettings.builder().build();
        /** No usable store (its password is empty) until a tool or test sets one with {@link #keystore}. */
        private KeystoreSettings keystore;

        private List<ReaderSettings> readers = List.of();

        private Builder(String id) {
            this.id = id;
            this.database = new DatabaseSettings(id, id + "_writer", Secret.of(""), id + "_key");
            this.dataRestrictions = new DataRestrictions(
                    StateScope.all(), java.util.EnumSet.of(Classification.PUBLIC, Classification.INTERNAL));
            this.keystore = new KeystoreSettings(id + "-keys.bcfks", Secret.of(""), KeystoreSettings.DEFAULT_TYPE);
        }

        public Builder organization(String v) {
            organization = v;
            return this;
        }

        public Builder classificationLevel(Classification v) {
            classificationLevel = v;
            return this;
        }

        public Builder database(DatabaseSettings v) {
            database = v;
            return this;
        }

        public Builder kafka(KafkaCredentials v) {
            kafka = v;
            return this;
        }

        public Builder kafkaPublisher(KafkaCredentials v) {
            kafkaPublisher = v;
            return this;
        }

        public Builder kafkaQuotas(KafkaQuotas v) {
            kafkaQuotas = v;
            return this;
        }

        public Builder resourceGroup(ResourceGroup v) {
            resourceGroup = v;
            return this;
        }

        public Builder apiAccess(ApiAccess v) {
            apiAccess = v;
            return this;
        }

        public Builder dataRestrictions(DataRestrictions v) {
            dataRestrictions = v;
            return this;
        }

        public Builder auditRequirements(AuditRequirements v) {
            auditRequirements = v;
            return this;
        }

        public Builder securityEnhancements(SecurityEnhancements v) {
            securityEnhancements = v;
            return this;
        }

        public Builder processing(ProcessingSettings v) {
            processing = v;
            return this;
        }

        public Builder keystore(KeystoreSettings v) {
            keystore = v;
            return this;
        }

        public Builder readers(List<ReaderSettings> v) {
            readers = v;
            return this;
        }

        public TenantConfig build() {
            return new TenantConfig(
                    id,
                    organization,
                    classificationLevel,
                    database,
                    kafka,
                    kafkaPublisher,
                    kafkaQuotas,
                    resourceGroup,
                    apiAccess,
                    dataRestrictions,
                    auditRequirements,
                    securityEnhancements,
                    processing,
                    keystore,
                    readers);
        }
    }
}
