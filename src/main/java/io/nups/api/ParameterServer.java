package io.nups.api;

import io.nups.manage.HotKeys;
import io.nups.metrics.OpKind;
import io.nups.node.Node;
import io.nups.sample.SamplingStats;
import org.HdrHistogram.Histogram;

/**
 * A running nups node: the store of its parameters and its worker threads' handles. Start one with
 * {@link Nups#builder()}; close it to write the profile and free all parameter memory.
 */
public final class ParameterServer implements AutoCloseable
{
    private final Node node;
    private final Worker[] workers;

    ParameterServer(final Node node)
    {
        this.node = node;
        this.workers = new Worker[node.settings().threads()];
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = new Worker(node.worker(i));
        }
    }

    /** The worker with index {@code index} in {@code [0, threads())}, for use by one thread. */
    public Worker worker(final int index)
    {
        node.checkOpen();
        if (index < 0 || index >= workers.length)
        {
            throw new IllegalArgumentException("worker index " + index + " out of range [0, " + workers.length + ")");
        }
        return workers[index];
    }

    /** This node's rank in {@code [0, nodes())}. */
    public int rank()
    {
        return node.rank();
    }

    /** Number of nodes in the cluster (1 for a single node). */
    public int nodes()
    {
        return node.nodes();
    }

    public int threads()
    {
        return workers.length;
    }

    public int numKeys()
    {
        return node.store().layout().numKeys();
    }

    /** Value length of {@code key}, in floats. */
    public int valueLength(final int key)
    {
        node.store().layout().checkKey(key);
        return node.store().layout().length(key);
    }

    /**
     * Waits until every node has called this (one thread per node, e.g. the main thread between phases),
     * bounded by the wait timeout; returns at once on a single node. Worker threads meet with
     * {@link Worker#barrier()} instead; do not call both at the same time.
     *
     * @throws IllegalStateException when a node was lost or the wait timed out, naming the node
     */
    public void barrier()
    {
        node.checkOpen();
        if (node.manager() != null)
        {
            node.manager().clusterBarrier();
        }
    }

    /**
     * Starts the setup phase (NuPS's BeginSetup): updates to replicated keys are initial values and are applied
     * unscaled, even with averaging or clipping on. Initialize each replicated key on one node only: a replica
     * ends up with the sum of every node's updates. Begin and end the phase on every node, each followed by a
     * barrier: a switch returns once a sync round under way at this node completed, so updates made after the
     * barrier follow the new rule on every node.
     */
    public void beginSetup()
    {
        node.checkOpen();
        node.setupPhase(true);
    }

    /** Ends the setup phase; see {@link #beginSetup()}. */
    public void endSetup()
    {
        node.checkOpen();
        node.setupPhase(false);
    }

    /** See {@link Worker#waitReplicaSync()}; for a thread that is not a worker, e.g. the main thread. */
    public void waitReplicaSync()
    {
        node.waitReplicaSync();
    }

    /** The keys replicated on every node (empty if none). */
    public HotKeys replicatedKeys()
    {
        return node.settings().replication().keys();
    }

    /** Replica synchronization statistics (rounds, rate, keys and bytes per round), or null without it. */
    public String replicaSummary()
    {
        return node.replication() == null ? null : node.replication().summary();
    }

    /** Synchronization rounds this node completed so far (0 without synchronization). */
    public long replicaRounds()
    {
        return node.replication() == null ? 0 : node.replication().roundsCompleted();
    }

    /**
     * The latencies of {@code kind} recorded on this node so far, in nanoseconds (a copy), e.g.
     * {@link OpKind#SYNC_COLLECT} for the collect step of every sync round.
     */
    public Histogram latency(final OpKind kind)
    {
        return node.report().snapshot(kind);
    }

    /**
     * This node's sampling statistics: samples, share served locally, empiric reuse and postponed share (pool),
     * checks per local draw (local). Exact once the workers stopped sampling.
     */
    public SamplingStats samplingStats()
    {
        return node.sampling().stats();
    }

    /**
     * Keys this node's operations of {@code kind} touched so far, counted exactly (not sampled like latencies):
     * e.g. {@link OpKind#LOCAL_PULL} keys served from this node's memory (held or replicated),
     * {@link OpKind#REMOTE_PULL} keys of pulls that needed communication, {@link OpKind#LOCALIZE} keys asked to
     * move here.
     */
    public long keys(final OpKind kind)
    {
        return node.report().keys(kind);
    }

    /** Latency and throughput per operation kind, one screen of text. */
    public String latencySummary()
    {
        return node.report().summaryTable();
    }

    /** Slab bytes and slots used per value length. */
    public String memoryReport()
    {
        return node.store().memoryReport();
    }

    @Override
    public void close()
    {
        node.close();
    }
}
