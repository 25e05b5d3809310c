package io.enclave.jobs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.enclave.config.DatabaseSettings;
import io.enclave.config.Secret;
import io.enclave.config.TenantConfig;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.audit.AuditOutcome;
import io.enclave.operators.audit.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A CLI command's audit record names the operating-system account that ran it. The
 * {@code user.name} property is anyone's to set ({@code java -Duser.name=someone_else}), so
 * setting it must not change who the audit trail says it was.
 */
class OperatingSystemUserTest {
    private String userNameProperty;

    @BeforeEach
    void remember() {
        userNameProperty = System.getProperty("user.name");
    }

    @AfterEach
    void restore() {
        System.setProperty("user.name", userNameProperty);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aCommandRecordNamesTheOsAccountEvenWhenUserNameIsOverridden() throws Exception {
        String osAccount = idUn();
        System.setProperty("user.name", "someone_else");

        AuditRecord record = AuditSubmitter.commandRecord(
                tenant(), AuditAction.KEYS_ROTATE, AuditOutcome.SUCCESS, "keys rotate", "", "rotated");

        assertThat(record.principal).isEqualTo(osAccount).isNotEqualTo("someone_else");
        assertThat(OperatingSystemUser.name()).isEqualTo(osAccount);
    }

    /** What {@code id -un} says, the shell's own answer to who is running this. */
    private static String idUn() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-un").redirectErrorStream(true).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(id.waitFor()).as(out).isZero();
        return out;
    }

    private static TenantConfig tenant() {
        return TenantConfig.builder("colorado_state")
                .organization("Colorado")
                .database(
                        new DatabaseSettings("colorado_emergency", "colorado_writer", Secret.of("pw"), "colorado_key"))
                .build();
    }
}
