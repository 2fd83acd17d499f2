package io.nups.manage;

/**
 * How replicated keys are kept in sync (reference §2.3–§2.5; NuPS's {@code rep.*} flags and defaults).
 *
 * @param keys           the replicated keys (every other key is relocation- or classic-managed)
 * @param syncsPerSecond target rounds per second ({@code rep.syncs_per_sec}, default 25); 0 with pause 0 runs
 *                       rounds back-to-back
 * @param pauseMillis    fixed pause between rounds instead of a rate ({@code rep.pause}, default 0); exclusive
 *                       with syncsPerSecond
 * @param threshold      which keys a round sends ({@code rep.threshold}): -1 all, 0 (default) those updated
 *                       since the last round, &gt; 0 updated keys whose delta has at least this L2 norm (the
 *                       others keep accumulating), +infinity none: synchronization off
 * @param average        divide each round's sum by the node count ({@code rep.average_updates}, default off)
 * @param clip           clip a round's update of a key to this many times the running mean norm, once
 *                       {@link #CLIP_WARM_UP} norms were seen ({@code rep.clip_updates}, default 0 = off)
 */
public record ReplicationOptions(HotKeys keys, double syncsPerSecond, long pauseMillis, double threshold,
    boolean average, double clip)
{
    public static final double DEFAULT_SYNCS_PER_SECOND = 25;
    /** Norms recorded before clipping starts. */
    public static final int CLIP_WARM_UP = 1000;

    public ReplicationOptions
    {
        if (keys == null)
        {
            throw new IllegalArgumentException("no replicated key set given (use HotKeys.none for none)");
        }
        if (!(syncsPerSecond >= 0) || Double.isInfinite(syncsPerSecond))
        {
            throw new IllegalArgumentException("syncs per second must be a finite number >= 0 (0 = back-to-back), " +
                "got " + syncsPerSecond);
        }
        if (pauseMillis < 0)
        {
            throw new IllegalArgumentException("pause between sync rounds must be >= 0 ms, got " + pauseMillis);
        }
        if (pauseMillis > 0 && syncsPerSecond > 0)
        {
            throw new IllegalArgumentException("give either syncs per second (" + syncsPerSecond + ") or a pause " +
                "between rounds (" + pauseMillis + " ms), not both");
        }
        if (Double.isNaN(threshold) || (threshold < 0 && threshold != -1))
        {
            throw new IllegalArgumentException("sync threshold must be -1 (all keys), 0 (updated keys), > 0 (L2 norm " +
                "of the delta) or infinity (off), got " + threshold);
        }
        if (!(clip >= 0) || Double.isInfinite(clip))
        {
            throw new IllegalArgumentException("clip factor must be a finite number >= 0 (0 = off), got " + clip);
        }
    }

    /** {@code keys} with NuPS's defaults: 25 rounds per second, updated keys only, no averaging or clipping. */
    public static ReplicationOptions of(final HotKeys keys)
    {
        return new ReplicationOptions(keys, DEFAULT_SYNCS_PER_SECOND, 0, 0, false, 0);
    }

    /** No replicated keys. */
    public static ReplicationOptions none(final int numKeys)
    {
        return of(HotKeys.none(numKeys));
    }

    /** True if rounds run at all: some keys are replicated and the threshold is finite. */
    public boolean syncs()
    {
        return keys.size() > 0 && !Double.isInfinite(threshold);
    }

    /** Nanoseconds from the start of one round to the start of the next (0: back-to-back). */
    long roundIntervalNanos()
    {
        return syncsPerSecond > 0 ? (long)(1e9 / syncsPerSecond) : 0;
    }

    public ReplicationOptions withSyncsPerSecond(final double perSecond)
    {
        return new ReplicationOptions(keys, perSecond, 0, threshold, average, clip);
    }

    public ReplicationOptions withPauseMillis(final long millis)
    {
        return new ReplicationOptions(keys, 0, millis, threshold, average, clip);
    }

    public ReplicationOptions withThreshold(final double value)
    {
        return new ReplicationOptions(keys, syncsPerSecond, pauseMillis, value, average, clip);
    }

    public ReplicationOptions withAverage(final boolean on)
    {
        return new ReplicationOptions(keys, syncsPerSecond, pauseMillis, threshold, on, clip);
    }

    public ReplicationOptions withClip(final double factor)
    {
        return new ReplicationOptions(keys, syncsPerSecond, pauseMillis, threshold, average, factor);
    }
}
