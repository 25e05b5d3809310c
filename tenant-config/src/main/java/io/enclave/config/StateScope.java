package io.enclave.config;

import java.io.Serializable;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/** A set of US state codes, or every state when written as {@code ALL}. */
public final class StateScope implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ALL_KEYWORD = "ALL";
    private static final StateScope ALL = new StateScope(true, Set.of());

    private final boolean everyState;
    private final Set<String> codes;

    private StateScope(boolean everyState, Set<String> codes) {
        this.everyState = everyState;
        this.codes = codes;
    }

    public static StateScope all() {
        return ALL;
    }

    public static StateScope of(Collection<String> codes) {
        return new StateScope(false, Set.copyOf(codes));
    }

    public boolean isAll() {
        return everyState;
    }

    /** The listed codes; empty when the scope is {@code ALL}. */
    public Set<String> codes() {
        return codes;
    }

    public boolean allows(String stateCode) {
        return UsStates.isCode(stateCode) && (everyState || codes.contains(stateCode));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateScope other && everyState == other.everyState && codes.equals(other.codes);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(everyState) * 31 + codes.hashCode();
    }

    @Override
    public String toString() {
        return everyState ? ALL_KEYWORD : String.join(",", new TreeSet<>(codes));
    }
}
