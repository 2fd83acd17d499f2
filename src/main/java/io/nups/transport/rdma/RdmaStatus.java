package io.nups.transport.rdma;

import java.util.List;
import java.util.Optional;

/**
 * What {@link RdmaProbe} found: one check per thing RDMA needs, in probe order. RDMA is usable when no check
 * failed; the first failure is the reason to report (with its fix) when it is not.
 *
 * @param checks every check, in the order they ran
 */
public record RdmaStatus(List<Check> checks)
{
    /** How a check came out: a FAIL makes RDMA unusable, a WARN is worth fixing but does not. */
    public enum Level
    {
        OK, WARN, FAIL
    }

    /**
     * One line of the report.
     *
     * @param level  how it came out
     * @param name   what was checked (e.g. {@code libdisni})
     * @param detail what was found
     * @param fix    what to do about it; empty when the level is OK
     */
    public record Check(Level level, String name, String detail, String fix)
    {
        static Check ok(final String name, final String detail)
        {
            return new Check(Level.OK, name, detail, "");
        }
    }

    public RdmaStatus
    {
        checks = List.copyOf(checks);
    }

    /** Whether every check passed or only warned. */
    public boolean usable()
    {
        return firstFailure().isEmpty();
    }

    /** The first failed check, if any. */
    public Optional<Check> firstFailure()
    {
        return checks.stream().filter(c -> c.level() == Level.FAIL).findFirst();
    }

    /** Why RDMA cannot be used, with the fix, in one line; "usable" when it can. */
    public String reason()
    {
        return firstFailure().map(c -> c.name() + ": " + c.detail() + " (fix: " + c.fix() + ")").orElse("usable");
    }
}
