package io.nups.sample;

/**
 * Sampling statistics of one node (reference §4.3, "printed at shutdown"). Counters are summed over the workers
 * without synchronization: exact once the workers stopped, approximate while they run.
 *
 * @param scheme       the scheme and its parameters
 * @param samples      keys handed out by {@code pullSample}
 * @param localSamples of those, keys held on this node when pulled (no communication)
 * @param poolDrawn    {@link SamplingScheme#POOL}: keys the pool agent drew into its groups
 * @param poolUsed     {@link SamplingScheme#POOL}: pool positions taken by {@code prepareSample}
 * @param postponed    {@link SamplingScheme#POOL}: keys postponed because they were not local
 * @param checks       {@link SamplingScheme#LOCAL}: keys examined to find local ones
 * @param unused       prepared keys discarded by {@code finishSample}
 * @param poolWaits    {@code prepareSample} calls that waited for the pool
 */
public record SamplingStats(String scheme, long samples, long localSamples, long poolDrawn, long poolUsed,
    long postponed, long checks, long unused, long poolWaits)
{
    /** Share of samples served without communication. */
    public double localShare()
    {
        return ratio(localSamples, samples);
    }

    /** Pool positions used per key drawn by the pool (NuPS's "empiric reuse"); just below reuse as the pool runs ahead. */
    public double reuseAchieved()
    {
        return ratio(poolUsed, poolDrawn);
    }

    /** Share of samples that were postponed. */
    public double postponedShare()
    {
        return ratio(postponed, samples);
    }

    /** Keys examined per local sample (1 if every first draw was local). */
    public double checksPerLocalDraw()
    {
        return ratio(checks, samples);
    }

    private static double ratio(final long a, final long b)
    {
        return b == 0 ? 0 : (double)a / b;
    }

    /** One line, e.g. {@code sampling pool (group 250, reuse 2, postpone on): 1000 samples, 97.0% local, ...}. */
    public String summary()
    {
        final StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT,
            "sampling %s: %d samples, %.1f%% local", scheme, samples, 100 * localShare()));
        if (poolDrawn > 0)
        {
            line.append(String.format(java.util.Locale.ROOT, ", empiric reuse %.2f, %.1f%% postponed, %d pool waits",
                reuseAchieved(), 100 * postponedShare(), poolWaits));
        }
        if (checks > 0)
        {
            line.append(String.format(java.util.Locale.ROOT, ", %.2f checks per local draw", checksPerLocalDraw()));
        }
        if (unused > 0)
        {
            line.append(", ").append(unused).append(" prepared keys unused");
        }
        return line.toString();
    }
}
