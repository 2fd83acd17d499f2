package io.nups.transport.rdma;

import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Huge pages from {@code /proc/meminfo}. Reported for the record: nups registers ordinary pages, so none
 * are needed, but a cluster that reserves them for other jobs shows it here.
 */
final class HugePages
{
    static final String NAME = "huge pages";
    private static final List<String> FIELDS = List.of("HugePages_Total", "HugePages_Free", "Hugepagesize");

    private HugePages()
    {
    }

    static Check check(final Path meminfo)
    {
        final Map<String, Long> values = new HashMap<>();
        try
        {
            for (final String line : Files.readAllLines(meminfo))
            {
                final int colon = line.indexOf(':');
                if (colon > 0 && FIELDS.contains(line.substring(0, colon)))
                {
                    // Hugepagesize is in kB; the counts have no unit.
                    values.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1).trim()
                        .split("\\s+")[0]));
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return new Check(Level.WARN, NAME, "cannot read " + meminfo + ": " + ex.getMessage(),
                "none needed: nups registers ordinary pages");
        }
        if (!values.keySet().containsAll(FIELDS))
        {
            return new Check(Level.WARN, NAME, "no " + FIELDS + " in " + meminfo + " (kernel without hugetlbfs)",
                "none needed: nups registers ordinary pages");
        }
        return Check.ok(NAME, values.get("HugePages_Total") + " reserved, " + values.get("HugePages_Free") +
            " free, " + LockedMemory.bytes(values.get("Hugepagesize") * 1024) + " each (none needed: nups " +
            "registers ordinary pages)");
    }
}
