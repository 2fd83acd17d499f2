package io.nups.transport.rdma;

import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The locked-memory limit ({@code Max locked memory} of {@code /proc/self/limits}). Registering memory with
 * the NIC pins it, so a low limit is the most common reason RDMA fails: the usual defaults (64 KiB, 8 MiB)
 * do not hold even the receive buffers and one slab.
 */
final class LockedMemory
{
    static final String NAME = "locked memory";
    /** Below this nothing useful can be registered; above it the limit still caps the node's slabs. */
    static final long MINIMUM = 64L << 20;
    static final String FIX = "raise it to unlimited: 'ulimit -l unlimited' in the launching shell (up to the " +
        "hard limit), '* - memlock unlimited' in /etc/security/limits.conf (then log in again), or " +
        "LimitMEMLOCK=infinity in the systemd unit (for Slurm jobs: slurmd's unit)";
    private static final String LINE = "Max locked memory";
    private static final String UNREADABLE_FIX = "check that 'ulimit -l' prints unlimited";

    private LockedMemory()
    {
    }

    static Check check(final Path limits)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(limits);
        }
        catch (final IOException ex)
        {
            return new Check(Level.WARN, NAME, "cannot read " + limits + ": " + ex.getMessage(),
                UNREADABLE_FIX);
        }
        for (final String line : lines)
        {
            if (line.startsWith(LINE))
            {
                final String[] fields = line.substring(LINE.length()).trim().split("\\s+");
                try
                {
                    return judge(fields[0], fields.length > 1 ? fields[1] : "unlimited");
                }
                catch (final NumberFormatException ex)
                {
                    return new Check(Level.WARN, NAME, "cannot parse '" + line.trim() + "' in " + limits,
                        UNREADABLE_FIX);
                }
            }
        }
        return new Check(Level.WARN, NAME, "no '" + LINE + "' line in " + limits,
            UNREADABLE_FIX);
    }

    private static Check judge(final String soft, final String hard)
    {
        if (soft.equals("unlimited"))
        {
            return Check.ok(NAME, "unlimited");
        }
        final long bytes = Long.parseLong(soft);
        final String found = "soft limit " + bytes(bytes) + " (hard " +
            (hard.equals("unlimited") ? hard : bytes(Long.parseLong(hard))) + ")";
        if (bytes < MINIMUM)
        {
            return new Check(Level.FAIL, NAME, found + " is below " + bytes(MINIMUM) +
                ": registering memory will fail", FIX);
        }
        return new Check(Level.WARN, NAME, found + ": registration fails once this node's slabs and buffers " +
            "exceed it", FIX);
    }

    /** Bytes in the largest binary unit that divides them ("8 MiB", "1536 KiB", "100 B"). */
    static String bytes(final long bytes)
    {
        final String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        long value = bytes;
        int unit = 0;
        while (value >= 1024 && value % 1024 == 0 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return value + " " + units[unit];
    }
}
