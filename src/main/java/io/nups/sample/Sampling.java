package io.nups.sample;

import io.nups.store.ParameterStore;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Sampling support of one node (reference §3): makes each worker's {@link WorkerSampler} for the configured
 * scheme, and for {@link SamplingScheme#POOL} the node's {@link SamplePool} and its agent
 * ({@code nups-pool-r<rank>}). Every drawing thread gets its own stream of the distribution, seeded from the
 * options' seed, the rank and the thread.
 *
 * <p>Life cycle: construct, {@link #start()} once the node is connected, {@link #close()} before the node's
 * closing barrier (it stops the agent and waits, bounded, for the agent's localizes, so none is in flight when
 * the nodes leave).
 */
public final class Sampling implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Sampling.class);
    /** Stream index of the pool agent (workers use their index). */
    private static final int POOL_STREAM = 1 << 20;

    private final SamplingOptions options;
    private final ParameterStore store;
    private final int rank;
    private final int nodes;
    private final long timeoutNanos;
    private final CopyOnWriteArrayList<WorkerSampler> workers = new CopyOnWriteArrayList<>();
    /** Null unless the scheme is pool. */
    private final SamplePool pool;
    private final Localizer poolLocalizer;
    private final AgentRunner poolRunner;
    private boolean started;
    private boolean closed;

    /**
     * @param poolLocalizer how the pool agent localizes ({@link Localizer#NONE} on one node or in classic mode)
     */
    public Sampling(final SamplingOptions options, final ParameterStore store, final int rank, final int nodes,
        final Localizer poolLocalizer, final long timeoutNanos)
    {
        options.checkKeySpace(store.layout().numKeys());
        this.options = options;
        this.store = store;
        this.rank = rank;
        this.nodes = nodes;
        this.timeoutNanos = timeoutNanos;
        this.poolLocalizer = poolLocalizer;
        if (options.runsPool())
        {
            this.pool = new SamplePool(rank, options);
            final PoolAgent agent = new PoolAgent(pool, options,
                options.distribution().newDraw(streamSeed(options.seed(), rank, POOL_STREAM)),
                store.layout().numKeys(), poolLocalizer, streamSeed(options.seed() + 1, rank, POOL_STREAM));
            this.poolRunner = new AgentRunner(agent.idleStrategy(), this::poolFailed, null, agent);
        }
        else
        {
            this.pool = null;
            this.poolRunner = null;
        }
    }

    private void poolFailed(final Throwable error)
    {
        if (!(error instanceof AgentTerminationException))
        {
            LOG.error("nups-pool-r{} failed", rank, error);
            pool.fail("sampling pool agent nups-pool-r" + rank + " failed: " + error);
        }
    }

    public SamplingOptions options()
    {
        return options;
    }

    /**
     * The sampler of worker {@code index}, serving {@code target}; null if sampling is off.
     */
    public WorkerSampler worker(final int index, final SampleTarget target)
    {
        if (!options.enabled())
        {
            return null;
        }
        final String owner = "node " + rank + " worker " + index;
        final KeyDraw draw = options.distribution().newDraw(streamSeed(options.seed(), rank, index));
        final WorkerSampler sampler = switch (options.scheme())
        {
            case NAIVE -> new WorkerSampler.Naive(owner, store, target, draw);
            case PRELOC -> new WorkerSampler.Preloc(owner, store, target, draw);
            case POOL -> new PoolSampler(owner, store, target, pool, options.postpone(), timeoutNanos);
            case LOCAL -> new LocalSampler(owner, store, target, draw, options, rank, nodes,
                streamSeed(options.seed() + 1, rank, index), timeoutNanos);
        };
        workers.add(sampler);
        return sampler;
    }

    /** Starts the pool agent, if any. */
    public synchronized void start()
    {
        if (poolRunner == null || started || closed)
        {
            return;
        }
        started = true;
        AgentRunner.startOnThread(poolRunner, runnable ->
        {
            final Thread thread = new Thread(runnable, "nups-pool-r" + rank);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** This node's statistics so far. */
    public SamplingStats stats()
    {
        long samples = 0;
        long local = 0;
        long postponed = 0;
        long checks = 0;
        long unused = 0;
        long waits = 0;
        for (final WorkerSampler worker : workers)
        {
            samples += worker.samples;
            local += worker.localSamples;
            postponed += worker.postponed;
            checks += worker.checks;
            unused += worker.unused;
            waits += worker.poolWaits;
        }
        return new SamplingStats(options.describe(), samples, local, pool == null ? 0 : pool.drawn(),
            pool == null ? 0 : pool.used(), postponed, checks, unused, waits);
    }

    /** One line of statistics (prefixed with the node), or null if sampling is off. */
    public String summary()
    {
        return options.enabled() ? "node " + rank + ": " + stats().summary() : null;
    }

    public synchronized boolean isClosed()
    {
        return closed;
    }

    /**
     * Stops the pool agent and waits, bounded by the wait timeout, for the localizes it issued. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (poolRunner != null && started)
        {
            poolRunner.close(1000, thread -> LOG.warn("{} did not stop in time", thread.getName()));
            try
            {
                poolLocalizer.awaitAll(timeoutNanos);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("node {}: localizes of the sampling pool did not complete: {}", rank, ex.getMessage());
            }
        }
        if (pool != null)
        {
            pool.fail("sampling of node " + rank + " is closed");
        }
    }

    /** Fills {@code keys} with draws from {@code draw}, each checked by {@link #checkKey}. */
    static void drawKeys(final KeyDraw draw, final int[] keys, final int numKeys, final String drawer)
    {
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = checkKey(draw.nextKey(), numKeys, drawer);
        }
    }

    /** {@code key} if it is in {@code [0, numKeys)}; else fails naming who drew it. */
    static int checkKey(final int key, final int numKeys, final String drawer)
    {
        if (key < 0 || key >= numKeys)
        {
            throw new IllegalStateException("the key distribution drew key " + key + " on " + drawer + ", outside " +
                "the key space [0, " + numKeys + ")");
        }
        return key;
    }

    /** A seed per (base seed, rank, stream): SplitMix64's finalizer over their combination, so streams differ. */
    static long streamSeed(final long seed, final int rank, final int stream)
    {
        long z = seed + 0x9E3779B97F4A7C15L * (((long)rank << 32) + stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
