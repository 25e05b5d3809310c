package io.enclave.cli;

import io.enclave.config.EncryptableFields;
import io.enclave.config.StreamKind;
import io.enclave.operators.audit.AuditAction;
import io.enclave.operators.crypto.Ciphertext;
import io.enclave.operators.crypto.FieldCrypto;
import io.enclave.operators.crypto.KeystoreKeyProvider;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code enclave decrypt --config FILE --tenant ID --table T --column C --row-key K VALUE}: the
 * plaintext of one value, for an authorised reader. Every attempt is audited in the tenant's
 * audit log before anything is printed; the plaintext never goes into the audit record.
 */
@Command(name = "decrypt", description = "Decrypt one value of a tenant's table for an authorised reader (audited).")
final class DecryptCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KeyTarget target;

    @Mixin
    TimeoutOption timeout;

    @Option(names = "--table", required = true, description = "disaster_declarations or weather_alerts.")
    String table;

    @Option(
            names = "--column",
            required = true,
            description = "The column the value was read from, e.g. designated_area.")
    String column;

    @Option(names = "--row-key", required = true, description = "The row's natural key (its id column).")
    String rowKey;

    @Parameters(index = "0", paramLabel = "VALUE", description = "The enc:... value as stored.")
    String value;

    @Override
    public Integer call() {
        Optional<StreamKind> stream = Arrays.stream(StreamKind.values())
                .filter(s -> s.table().equals(table))
                .findFirst();
        if (stream.isEmpty()) {
            spec.commandLine().getErr().println("--table must be one of disaster_declarations, weather_alerts");
            return ExitCode.USAGE;
        }
        if (EncryptableFields.fieldOfColumn(stream.get(), column).isEmpty()) {
            spec.commandLine().getErr().println("--column " + column + " is not an encryptable column of " + table);
            return ExitCode.USAGE;
        }
        String what = table + "." + column + " of row " + rowKey;
        return CliAudit.run(spec, target, timeout, AuditAction.DECRYPT, "decrypt", rowKey, () -> {
            Ciphertext parsed = Ciphertext.parse(value);
            try (KeystoreKeyProvider keys = target.provider()) {
                String plaintext =
                        FieldCrypto.forReading(keys, target.tenant.id()).decrypt(table, column, rowKey, value);
                return new CliAudit.Done(
                        "decrypted " + what + " (key version " + parsed.keyVersion() + ")", plaintext, rowKey);
            }
        });
    }
}
