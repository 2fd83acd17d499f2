package io.nups.cluster;

import java.time.Duration;

/** Durations in messages, as a person would write them: "30 s", "1.5 s", "200 ms". */
final class Durations
{
    private Durations()
    {
    }

    static String describe(final Duration duration)
    {
        final long millis = duration.toMillis();
        if (millis < 1000)
        {
            return millis + " ms";
        }
        if (millis % 1000 == 0)
        {
            return millis / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
