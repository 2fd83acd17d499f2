package io.nups.node;

import io.nups.metrics.LatencyReport;
import io.nups.metrics.OpRecorder;
import io.nups.store.ParameterStore;
import io.nups.store.Slab;
import io.nups.store.SlotDescriptor;
import io.nups.manage.HomeDirectory;
import io.nups.manage.OperationTable;
import io.nups.manage.HotKeys;
import io.nups.manage.ParameterManager;
import io.nups.manage.Replication;
import io.nups.sample.Sampling;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One nups node: its parameter store, its workers and its profiling, and on several nodes its transport
 * and {@link ParameterManager}, wired together and shut down in order (all nodes leave together, workers
 * stopped, transport closed, profile written, memory freed).
 */
public final class Node implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Outstanding remote operations per worker before it waits for its oldest. */
    private static final int OPERATIONS_PER_WORKER = 1024;

    private final NodeSettings settings;
    private final int rank;
    private final int nodes;
    private final ParameterStore store;
    private final Transport transport;
    private final ParameterManager manager;
    /** Null on a single node. */
    private final Replication replication;
    private final Sampling sampling;
    private final LatencyReport report;
    private final NodeWorker[] workers;
    private final WorkerBarrier barrier;
    private volatile boolean closed;
    private volatile boolean left;

    /** A single node: every key is held here. */
    public Node(final NodeSettings settings)
    {
        this(settings, null);
    }

    /**
     * A node of a cluster: holds the keys homed here at start and reaches the others through
     * {@code transport}, which this node starts and closes. Null for a single node.
     */
    public Node(final NodeSettings settings, final Transport transport)
    {
        this.settings = settings;
        this.transport = transport;
        this.rank = transport == null ? 0 : transport.rank();
        this.nodes = transport == null ? 1 : transport.nodes();
        // The transport decides what memory it can register (shm: files its peers can map).
        this.store = new ParameterStore(settings.layout(),
            transport == null ? settings.store() : transport.slabOptions(settings.store()));
        this.report = new LatencyReport("r" + rank);
        ParameterManager startedManager = null;
        Replication startedReplication = null;
        Sampling startedSampling = null;
        try
        {
            final int numKeys = settings.layout().numKeys();
            final HomeDirectory directory = new HomeDirectory(numKeys, nodes, rank, settings.keyPermutationSeed());
            final HotKeys replicated = settings.replication().keys();
            for (int key = 0; key < numKeys; key++)
            {
                // Replicas live on every node and never move; every other key starts at its home.
                if (replicated.contains(key))
                {
                    store.insert(key, SlotDescriptor.STATE_REPLICA, null, 0);
                }
                else if (directory.isHome(key))
                {
                    store.insert(key, SlotDescriptor.STATE_OWNED, null, 0);
                }
            }
            // One table per worker, and one for the sampling pool agent, which localizes as a worker does.
            final OperationTable[] tables = new OperationTable[settings.threads() + 1];
            for (int i = 0; i < tables.length; i++)
            {
                tables[i] = new OperationTable(i < settings.threads() ? "node " + rank + " worker " + i :
                    "node " + rank + " sampling pool", OPERATIONS_PER_WORKER);
            }
            if (transport != null)
            {
                startedManager = new ParameterManager(store, directory, transport, tables, settings.relocation(),
                    settings.oneSidedPulls(), settings.locationCaches(), settings.waitTimeout().toNanos(),
                    settings.clusterFingerprint());
                startedManager.start();
                final OpRecorder syncRecorder = new OpRecorder(1);
                report.register(syncRecorder);
                startedReplication = new Replication(store, settings.replication(), startedManager, transport,
                    syncRecorder, settings.waitTimeout().toNanos());
                transport.messageHandler(startedManager::onMessage);
                transport.failureHandler(startedManager);
                // Slabs never move, so each is registered once, before any peer can ask for it.
                final List<RegionDescriptor> regions = new ArrayList<>();
                for (final Slab slab : store.slabs())
                {
                    regions.add(transport.register(slab));
                }
                transport.start();
                startedManager.exchangeRegions(regions);
                startedReplication.start();
            }
            this.manager = startedManager;
            this.replication = startedReplication;
            startedSampling = new Sampling(settings.sampling(), store, rank, nodes,
                PoolLocalizer.of(settings, startedManager, report), settings.waitTimeout().toNanos());
            this.sampling = startedSampling;
            this.workers = new NodeWorker[settings.threads()];
            for (int i = 0; i < workers.length; i++)
            {
                final OpRecorder recorder = new OpRecorder(settings.latencySampleEvery());
                report.register(recorder);
                workers[i] = new NodeWorker(this, i, recorder, manager == null ? null : manager.port(i, recorder));
            }
            this.barrier = new WorkerBarrier(settings.threads(), settings.waitTimeout(),
                manager == null ? null : manager::clusterBarrier);
            if (settings.profileDirectory() != null)
            {
                Files.createDirectories(settings.profileDirectory());
                report.startIntervalLog(
                    settings.profileDirectory().resolve(profilePrefix() + ".hlog"), settings.profileInterval().toMillis());
            }
            startedSampling.start();
        }
        catch (final IOException ex)
        {
            release();
            throw new UncheckedIOException("cannot create profile directory " + settings.profileDirectory(), ex);
        }
        catch (final RuntimeException ex)
        {
            if (startedSampling != null)
            {
                startedSampling.close();
            }
            if (startedManager != null)
            {
                startedManager.close();
            }
            if (startedReplication != null)
            {
                startedReplication.close();
            }
            if (transport != null)
            {
                transport.close();
            }
            release();
            throw ex;
        }
        LOG.info("node {} of {} started: {}, {} worker threads, {}{}", rank, nodes, settings.layout(),
            settings.threads(), store.memoryReport().lines().findFirst().orElse(""),
            transport == null ? "" : ", " + transport.name() + " transport, " +
                (settings.relocation() ? "relocation" : "classic") + " mode" +
                (settings.oneSidedPulls() ? ", one-sided pulls" : "") +
                (settings.locationCaches() ? ", location caches" : ""));
        if (settings.replication().keys().size() > 0)
        {
            final var replication = settings.replication();
            LOG.info("node {}: {}; {}", rank, replication.keys().describe(null), replication.syncs() && nodes > 1 ?
                (replication.pauseMillis() > 0 ? "a sync round every " + replication.pauseMillis() + " ms of pause" :
                replication.syncsPerSecond() > 0 ? replication.syncsPerSecond() + " sync rounds per second" :
                "sync rounds back-to-back") + ", threshold " + replication.threshold() +
                (replication.average() ? ", averaged" : "") +
                (replication.clip() > 0 ? ", clipped at " + replication.clip() + "x the mean norm" : "") :
                "no synchronization (" + (nodes == 1 ? "one node" : "threshold infinity") + ")");
        }
    }

    private String profilePrefix()
    {
        return "nups-r" + rank;
    }

    public NodeSettings settings()
    {
        return settings;
    }

    public int rank()
    {
        return rank;
    }

    public int nodes()
    {
        return nodes;
    }

    /** Null on a single node. */
    public ParameterManager manager()
    {
        return manager;
    }

    /**
     * Returns once every update to a replicated key present at the call has reached every node's replica (three
     * completed synchronization rounds, each bounded by the wait timeout); fails at once, with the reason, once
     * the node is closed or failed (a lost peer, a failed round) or synchronization stopped. No-op on one node or
     * without replicas.
     */
    public void waitReplicaSync()
    {
        checkOpen();
        if (replication != null)
        {
            replication.waitReplicaSync();
        }
    }

    /**
     * Setup phase on (between NuPS's BeginSetup and EndSetup): updates to replicas are initial values, applied
     * unscaled (no averaging or clipping). Initialize each replicated key on one node only: replicas add up every
     * node's updates. Returns once a sync round under way completed ({@link Replication#setup}).
     */
    public void setupPhase(final boolean on)
    {
        if (replication != null)
        {
            replication.setup(on);
        }
    }

    /** Sampling support of this node (off unless the settings give a distribution). */
    public Sampling sampling()
    {
        return sampling;
    }

    /** Null on a single node. */
    public Replication replication()
    {
        return replication;
    }

    public ParameterStore store()
    {
        return store;
    }

    public LatencyReport report()
    {
        return report;
    }

    public NodeWorker worker(final int index)
    {
        checkOpen();
        if (index < 0 || index >= workers.length)
        {
            throw new IllegalArgumentException("worker index " + index + " out of range [0, " + workers.length + ")");
        }
        return workers[index];
    }

    WorkerBarrier barrier()
    {
        return barrier;
    }

    public boolean isClosed()
    {
        return closed;
    }

    public void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("nups node " + rank + " is closed");
        }
        final String failure = manager == null ? null : manager.failure();
        if (failure != null)
        {
            throw new IllegalStateException("nups node " + rank + " stopped: " + failure);
        }
    }

    /** Closed, or stopped because the cluster failed. */
    boolean isStopped()
    {
        return closed || (manager != null && manager.failure() != null);
    }

    /**
     * Stops the node: new calls fail, running calls are waited for (bounded), the profile is written and
     * all off-heap memory is freed. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        leaveCluster();
        closed = true;
        barrier.breakBarrier();
        if (manager != null)
        {
            manager.close();
            if (replication.summary() != null)
            {
                LOG.info(replication.summary());
            }
            replication.close();
        }
        final long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (final NodeWorker worker : workers)
        {
            while (worker.isInCall())
            {
                if (System.nanoTime() > deadline)
                {
                    LOG.error("worker {} still inside a call {} s after close; leaking the store rather than " +
                        "freeing memory under it", worker.index(), TimeUnit.NANOSECONDS.toSeconds(CLOSE_WAIT_NANOS));
                    report.close();
                    return;
                }
                Thread.onSpinWait();
            }
        }
        if (transport != null)
        {
            transport.close();
        }
        try
        {
            if (settings.profileDirectory() != null)
            {
                report.writePercentiles(settings.profileDirectory(), profilePrefix());
            }
        }
        finally
        {
            release();
        }
    }

    /**
     * The agreed part of {@link #close()}: passes the closing cluster barrier, then stops replica synchronization,
     * whose agents leave after the same round everywhere; once. On its own (tests) it leaves the node open, so the
     * replicas as that last round left them can be read before close frees them.
     */
    void leaveCluster()
    {
        stopSampling();
        if (left || manager == null || manager.failure() != null)
        {
            return;
        }
        left = true;
        manager.leaving();
        try
        {
            // Nodes leave together, so none closes its transport while a peer still needs it.
            manager.clusterBarrier();
            replication.stop();
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("node {}: leaving without the other nodes: {}", rank, ex.getMessage());
        }
    }

    /** The pool agent stops and its localizes complete before the nodes agree to leave; logs the statistics once. */
    private void stopSampling()
    {
        if (sampling.isClosed())
        {
            return;
        }
        sampling.close();
        if (sampling.summary() != null)
        {
            LOG.info(sampling.summary());
        }
    }

    private void release()
    {
        report.close();
        store.close();
    }
}
