package io.nups.sample;

import io.nups.manage.Doorbell;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The sample pool of one node (reference §3.3, pool): a ring of {@code groupSize × reuse × 200} keys that the
 * pool agent fills group by group ahead of the workers, who take consecutive positions from it.
 *
 * <p>Positions only grow; {@code prepared} is the end of what the agent wrote, {@code used} the end of what
 * workers took. A worker copies its positions first and then claims them by moving {@code used} with a CAS (and
 * copies again if another worker claimed first), and the agent writes only below {@code used + size}, so it never
 * overwrites a position a worker may still be copying.
 *
 * <p>Fetch-time estimate ({@link #estimate()}): positions consumed while a group's localize was outstanding,
 * averaged over groups, starting at one group with its copies; a worker that has to wait adds twice its shortfall.
 * The agent keeps {@code 2 × estimate} positions prepared ahead of {@code used}.
 */
final class SamplePool
{
    private static final long WAIT_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final int WAIT_SPINS = 200;

    final int rank;
    private final int[] ring;
    private final int groupPositions;
    private final AtomicLong used = new AtomicLong();
    private volatile long prepared;
    /** Sum of the fetch-time samples in positions (NuPS: preps_total_elapsed_positions). */
    private final AtomicLong elapsedPositions;
    /** Number of fetch-time samples; written by the agent only. */
    private volatile long fetches = 1;
    private volatile String failure;
    private final Doorbell agentBell = new Doorbell();
    /** Written by the agent only. */
    private volatile long drawn;

    SamplePool(final int rank, final SamplingOptions options)
    {
        this.rank = rank;
        this.ring = new int[options.poolSize()];
        this.groupPositions = options.groupSize() * options.reuse();
        this.elapsedPositions = new AtomicLong(groupPositions);
    }

    int size()
    {
        return ring.length;
    }

    /** Estimated positions consumed while one group is fetched. */
    double estimate()
    {
        return (double)elapsedPositions.get() / fetches;
    }

    /**
     * Worker side: copies the next {@code out.length} positions into {@code out}, waiting (bounded) while the
     * pool has not prepared them yet. Returns true if it had to wait.
     */
    boolean take(final int[] out, final long timeoutNanos)
    {
        final int count = out.length;
        if (count > ring.length / 2)
        {
            throw new IllegalArgumentException("prepareSample of " + count + " keys exceeds half the sampling pool of " +
                "node " + rank + " (" + ring.length + " positions = group size × reuse × " +
                SamplingOptions.POOL_GROUPS + "); raise the group size or prepare smaller groups");
        }
        boolean waited = false;
        long deadline = 0;
        int spins = 0;
        while (true)
        {
            final long from = used.get();
            final long to = from + count;
            final long ready = prepared;
            if (to > ready)
            {
                checkHealthy();
                if (!waited)
                {
                    waited = true;
                    elapsedPositions.addAndGet(2 * (to - ready));
                    deadline = System.nanoTime() + timeoutNanos;
                    agentBell.ring();
                }
                else if (System.nanoTime() - deadline > 0)
                {
                    throw new IllegalStateException("sampling pool of node " + rank + " is still " + (to - ready) +
                        " positions behind after " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (used " +
                        from + ", prepared " + ready + "): the pool agent nups-pool-r" + rank + " is stuck, e.g. " +
                        "waiting for localizes");
                }
                if (++spins < WAIT_SPINS)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos(WAIT_PARK_NANOS);
                }
                continue;
            }
            final int start = (int)(from % ring.length);
            final int first = Math.min(count, ring.length - start);
            System.arraycopy(ring, start, out, 0, first);
            System.arraycopy(ring, 0, out, first, count - first);
            if (used.compareAndSet(from, to))
            {
                agentBell.ring();
                return waited;
            }
        }
    }

    /** Agent side: true if a new group should be prepared now and fits without overwriting unused positions. */
    boolean needsGroup()
    {
        final long use = used.get();
        final long ready = prepared;
        // At least one group with its copies ahead even when localizes cost nothing (one node, classic mode),
        // where NuPS's estimate decays towards 0 and workers would keep waiting for the agent.
        return use + Math.max(2 * estimate(), groupPositions) >= ready && ready + groupPositions <= use + ring.length;
    }

    /**
     * Agent side: writes the group {@code keys} and then its {@code copies} (each a permutation of it) after the
     * prepared positions, and publishes them.
     */
    void append(final int[] keys, final int[][] copies)
    {
        long position = prepared;
        position = write(keys, position);
        for (final int[] copy : copies)
        {
            position = write(copy, position);
        }
        drawn = drawn + keys.length;
        prepared = position;
    }

    private long write(final int[] keys, final long position)
    {
        for (int i = 0; i < keys.length; i++)
        {
            ring[(int)((position + i) % ring.length)] = keys[i];
        }
        return position + keys.length;
    }

    /** Positions taken by workers so far. */
    long used()
    {
        return used.get();
    }

    /** Agent side: one more fetch-time sample, in positions consumed while the group's localize was outstanding. */
    void fetched(final long positions)
    {
        elapsedPositions.addAndGet(positions);
        fetches = fetches + 1;
    }

    /** Keys the agent drew so far. */
    long drawn()
    {
        return drawn;
    }

    Doorbell agentBell()
    {
        return agentBell;
    }

    void fail(final String reason)
    {
        failure = reason;
    }

    String failure()
    {
        return failure;
    }

    private void checkHealthy()
    {
        final String reason = failure;
        if (reason != null)
        {
            throw new IllegalStateException(reason);
        }
    }
}
