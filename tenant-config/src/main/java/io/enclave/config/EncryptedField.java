package io.enclave.config;

import java.io.Serializable;

/** One sensitive field of one stream and how it is encrypted. */
public record EncryptedField(StreamKind stream, String field, EncryptionMode mode) implements Serializable {}
