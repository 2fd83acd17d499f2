package io.nups.sample;

import io.nups.manage.DoorbellIdleStrategy;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The pool agent of one node ({@code nups-pool-r<rank>}, reference §3.3): keeps the {@link SamplePool} filled
 * ahead of the workers. A group is {@code groupSize} fresh draws followed by {@code reuse − 1} copies, each in
 * its own random order; its keys are localized (through the agent's own port) before the group is published.
 * When a group's localize completes, the positions the workers consumed meanwhile are one more fetch-time
 * sample. If twice the estimate exceeds the pool, the pool fails with a message and the agent ends; so does any
 * other error of the agent (reported through the runner's error handler, see {@link Sampling}).
 */
final class PoolAgent implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(PoolAgent.class);
    /** Localizes in flight before the agent waits for the oldest (as a worker's operation table). */
    private static final int MAX_OUTSTANDING = 512;
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final SamplePool pool;
    /** The agent's thread name, built once: it names the drawer of every key checked. */
    private final String name;
    private final KeyDraw draw;
    private final int numKeys;
    private final Localizer localizer;
    private final SplittableRandom random;
    private final int[] group;
    private final int[][] copies;
    private final long[] handles = new long[MAX_OUTSTANDING];
    private final long[] usedAtIssue = new long[MAX_OUTSTANDING];
    private int oldest;
    private int outstanding;

    PoolAgent(final SamplePool pool, final SamplingOptions options, final KeyDraw draw, final int numKeys,
        final Localizer localizer, final long seed)
    {
        this.pool = pool;
        this.name = "nups-pool-r" + pool.rank;
        this.draw = draw;
        this.numKeys = numKeys;
        this.localizer = localizer;
        this.random = new SplittableRandom(seed);
        this.group = new int[options.groupSize()];
        this.copies = new int[options.reuse() - 1][options.groupSize()];
    }

    @Override
    public String roleName()
    {
        return name;
    }

    @Override
    public int doWork()
    {
        if (pool.failure() != null)
        {
            throw new AgentTerminationException(pool.failure());
        }
        int work = completeFetches();
        final double estimate = pool.estimate();
        if (2 * estimate > pool.size())
        {
            final String reason = String.format(java.util.Locale.ROOT, "sampling pool of node %d aborted: fetching a " +
                "group takes about %.0f positions of sampling, but the pool holds %d, less than twice that; raise " +
                "the group size or reuse (the pool is group size × reuse × %d positions) or localize less",
                pool.rank, estimate, pool.size(), SamplingOptions.POOL_GROUPS);
            pool.fail(reason);
            LOG.error(reason);
            throw new AgentTerminationException(reason);
        }
        if (outstanding < MAX_OUTSTANDING && pool.needsGroup())
        {
            prepareGroup();
            work++;
        }
        return work;
    }

    private void prepareGroup()
    {
        Sampling.drawKeys(draw, group, numKeys, name);
        for (final int[] copy : copies)
        {
            System.arraycopy(group, 0, copy, 0, group.length);
            for (int i = copy.length - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int swap = copy[i];
                copy[i] = copy[j];
                copy[j] = swap;
            }
        }
        final long handle = localizer.localize(group);
        if (handle != Localizer.DONE)
        {
            final int slot = (oldest + outstanding) % MAX_OUTSTANDING;
            handles[slot] = handle;
            usedAtIssue[slot] = pool.used();
            outstanding++;
        }
        else if (pool.used() != 0)
        {
            // Every key already here: a fetch that took no positions. Without these samples the estimate would
            // only ever grow (by workers' waits) on a node whose groups are local, and abort a healthy pool.
            pool.fetched(0);
        }
        pool.append(group, copies);
    }

    /** Turns completed group localizes into fetch-time samples; NuPS skips those before any sample was used. */
    private int completeFetches()
    {
        int completed = 0;
        while (outstanding > 0 && localizer.isDone(handles[oldest]))
        {
            final long usedNow = pool.used();
            if (usedNow != 0)
            {
                pool.fetched(usedNow - usedAtIssue[oldest]);
            }
            oldest = (oldest + 1) % MAX_OUTSTANDING;
            outstanding--;
            completed++;
        }
        return completed;
    }

    /** Idles on the pool's bell (workers ring it after taking), polling outstanding localizes meanwhile. */
    IdleStrategy idleStrategy()
    {
        return new DoorbellIdleStrategy(pool.agentBell(), () -> !pool.needsGroup(),
            () -> outstanding > 0 ? POLL_NANOS : MAX_SLEEP_NANOS);
    }
}
