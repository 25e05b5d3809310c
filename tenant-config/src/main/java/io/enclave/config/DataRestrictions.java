package io.enclave.config;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;

/** Which states and classifications the tenant may receive; everything else is rejected. */
public record DataRestrictions(StateScope allowedStates, Set<Classification> allowedClassifications)
        implements Serializable {
    public DataRestrictions {
        allowedClassifications =
                allowedClassifications.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(allowedClassifications));
    }

    public boolean allows(Classification level) {
        return allowedClassifications.contains(level);
    }
}
