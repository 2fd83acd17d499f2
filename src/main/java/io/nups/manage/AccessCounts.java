package io.nups.manage;

import java.util.Arrays;

/**
 * Accesses per key, counted for the automatic choice of replicated keys: either reported by an app or
 * counted by the workers during a short warm-up.
 *
 * <p>Each worker counts into its own {@code int[]} through its {@link Recorder}, with plain increments: no
 * atomics, no sharing, nothing allocated. That costs 4 bytes per key per worker while counting. A worker's
 * count of one key saturates at {@link Integer#MAX_VALUE} instead of wrapping.
 *
 * <p>{@link #merged()} and {@link #reset()} read and clear the workers' arrays, so call them only when the
 * workers have stopped counting and are known to have (a barrier or join orders their writes before).
 * Counts of several nodes add up element-wise.
 */
public final class AccessCounts
{
    private final int numKeys;
    private final int[][] byWorker;
    private final long[] reported; // null unless reported

    /** Counters for {@code workers} workers over the keys {@code [0, numKeys)}. */
    public AccessCounts(final int numKeys, final int workers)
    {
        this(numKeys, workers, null);
    }

    private AccessCounts(final int numKeys, final int workers, final long[] reported)
    {
        if (numKeys < 0)
        {
            throw new IllegalArgumentException("number of keys must be >= 0, got " + numKeys);
        }
        if (workers < 0)
        {
            throw new IllegalArgumentException("number of workers must be >= 0, got " + workers);
        }
        this.numKeys = numKeys;
        this.byWorker = new int[workers][numKeys];
        this.reported = reported;
    }

    /** Counts an app reports itself (e.g. from its data), one per key; copied. */
    public static AccessCounts fromReported(final long[] countsByKey)
    {
        for (int key = 0; key < countsByKey.length; key++)
        {
            if (countsByKey[key] < 0)
            {
                throw new IllegalArgumentException(
                    "reported access count of key " + key + " is negative: " + countsByKey[key]);
            }
        }
        return new AccessCounts(countsByKey.length, 0, countsByKey.clone());
    }

    public int numKeys()
    {
        return numKeys;
    }

    public int workers()
    {
        return byWorker.length;
    }

    /** The counter of one worker; to be used by that worker's thread only. */
    public Recorder recorder(final int worker)
    {
        if (worker < 0 || worker >= byWorker.length)
        {
            throw new IllegalArgumentException(
                "worker " + worker + " is out of range [0, " + byWorker.length + ") of the counted workers");
        }
        return new Recorder(byWorker[worker]);
    }

    /** Reported counts plus every worker's counts, per key: a new array. */
    public long[] merged()
    {
        final long[] merged = reported == null ? new long[numKeys] : reported.clone();
        for (final int[] counts : byWorker)
        {
            for (int key = 0; key < numKeys; key++)
            {
                merged[key] += counts[key];
            }
        }
        return merged;
    }

    /** Forgets all counts, reported ones included. */
    public void reset()
    {
        if (reported != null)
        {
            Arrays.fill(reported, 0);
        }
        for (final int[] counts : byWorker)
        {
            Arrays.fill(counts, 0);
        }
    }

    /** One worker's counter: plain increments on its own array. */
    public static final class Recorder
    {
        private final int[] counts;

        private Recorder(final int[] counts)
        {
            this.counts = counts;
        }

        /** Counts one access of {@code key}, which must lie in the key space. */
        public void count(final int key)
        {
            if (key < 0 || key >= counts.length)
            {
                throw new IllegalArgumentException(
                    "counted key " + key + " is out of range [0, " + counts.length + ")");
            }
            final int count = counts[key]; // the check above lets the JIT drop this bounds check
            if (count != Integer.MAX_VALUE)
            {
                counts[key] = count + 1;
            }
        }

        /** Counts one access of each of {@code keys[from, to)}; duplicates count once each. */
        public void count(final int[] keys, final int from, final int to)
        {
            for (int i = from; i < to; i++)
            {
                count(keys[i]);
            }
        }
    }
}
