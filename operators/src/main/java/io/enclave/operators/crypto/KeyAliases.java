package io.enclave.operators.crypto;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a tenant's keys are named in its key store (and in a shared store that {@code keys split}
 * reads): {@code <keyref>.v<N>} for version N of the data key and {@code <keyref>.destroyed}
 * for the marker that records which versions were crypto-shredded. Names are lower case because
 * PKCS#12 stores fold aliases to lower case (the config keeps key references unique ignoring case).
 */
final class KeyAliases {
    private final String prefix;
    private final Pattern dataAlias;

    KeyAliases(String keyRef) {
        this.prefix = keyRef.toLowerCase(Locale.ROOT) + ".";
        this.dataAlias = Pattern.compile(Pattern.quote(prefix) + "v([1-9][0-9]{0,8})");
    }

    String data(int version) {
        return prefix + "v" + version;
    }

    String destroyed() {
        return prefix + "destroyed";
    }

    /** The version named by an alias of this key reference; empty for every other alias, another tenant's too. */
    OptionalInt versionOf(String alias) {
        Matcher m = dataAlias.matcher(alias.toLowerCase(Locale.ROOT));
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    boolean owns(String alias) {
        String a = alias.toLowerCase(Locale.ROOT);
        // An old store's <keyref>.audit (the HMAC chain key before signatures) is not the tenant's any more: not
        // copied.
        return versionOf(a).isPresent() || a.equals(destroyed());
    }
}
