package io.enclave.jobs.audit;

import com.sun.security.auth.module.UnixSystem;
import java.util.Optional;

/**
 * The operating-system account running this JVM, as the audit trail names whoever ran a
 * command. Not the {@code user.name} system property: anyone can start the CLI with
 * {@code -Duser.name=someone_else} (or set {@code JAVA_TOOL_OPTIONS}) and would be audited as
 * that name. The account comes from the kernel's user id instead, looked up by the JDK.
 */
public final class OperatingSystemUser {
    /** Named when no account can be read, so an audit row never looks like a real user's by accident. */
    static final String UNKNOWN = "unknown-os-user";

    private OperatingSystemUser() {}

    /**
     * The account's name; {@code uid:<n>} when the user id has no name (a container without a
     * passwd entry); {@value #UNKNOWN} when the platform reveals neither.
     */
    public static String name() {
        return fromUnixSystem().or(OperatingSystemUser::fromProcessHandle).orElse(UNKNOWN);
    }

    /** getuid() and getpwuid() through the JDK's jdk.security.auth module, on Linux and macOS. */
    private static Optional<String> fromUnixSystem() {
        try {
            UnixSystem unix = new UnixSystem();
            String name = unix.getUsername();
            return name != null && !name.isBlank() ? Optional.of(name) : Optional.of("uid:" + unix.getUid());
        } catch (LinkageError | RuntimeException notUnix) {
            return Optional.empty();
        }
    }

    /** The owner of this process as the JDK's process API reports it, e.g. on Windows. */
    private static Optional<String> fromProcessHandle() {
        return ProcessHandle.current().info().user().filter(user -> !user.isBlank());
    }
}
