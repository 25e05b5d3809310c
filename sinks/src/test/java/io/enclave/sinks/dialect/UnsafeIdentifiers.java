package io.enclave.sinks.dialect;

import java.util.stream.Stream;

/** Identifiers that must never reach SQL text: injections, quoting tricks and near misses. */
final class UnsafeIdentifiers {
    private UnsafeIdentifiers() {}

    static Stream<String> all() {
        return Stream.of(
                "a; DROP TABLE x",
                "Robert'); --",
                "Robert'); DROP TABLE students; --",
                "a`b",
                "a` ; DROP DATABASE b; -- ",
                "tenant_a.audit_log",
                "tenant a",
                "tenant_a\n",
                "tenant_a\u0000",
                "tenant_a--",
                "a/*x*/",
                "\"quoted\"",
                "TENANT_A",
                "Tenant_a",
                "1tenant",
                "_tenant",
                "ténant",
                "tenant\u200b",
                "");
    }
}
