package io.enclave.operators.audit;

import java.io.Serializable;

/**
 * The time the chainer stamps on each record it links ({@link AuditRecord#chainedAt}), epoch
 * milliseconds UTC. The system clock in a job; tests hand in one they can move across midnight.
 */
@FunctionalInterface
public interface ChainClock extends Serializable {
    long millis();

    static ChainClock system() {
        return System::currentTimeMillis;
    }
}
