package io.enclave.ingest;

import java.io.IOException;

/** A 200 response whose body is not the API's envelope; retried like a 5xx, as APIs glitch. */
public final class MalformedPageException extends IOException {
    private static final long serialVersionUID = 1L;

    public MalformedPageException(String message) {
        super(message);
    }
}
