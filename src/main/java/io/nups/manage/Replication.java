package io.nups.manage;

import io.nups.metrics.OpRecorder;
import io.nups.store.ParameterStore;
import io.nups.transport.Transport;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Replication of one node's hot keys: wires the synchronized state into the store (which reports local updates
 * of replicas), the all-reduce into the transport and the manager's message routing, and runs the sync agent.
 * On one node, or with synchronization off (threshold infinity), replicas are plain local keys and every
 * method here is a no-op.
 *
 * <p>Life cycle: construct before the transport starts (peers' round data may arrive as soon as it does),
 * {@link #start()} once every node is connected, {@link #stop()} after the nodes agreed to leave (every
 * node's agent leaves in the same round), {@link #close()}.
 */
public final class Replication implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

    private final ReplicationOptions options;
    private final long timeoutNanos;
    /** Null unless rounds run (several nodes, replicated keys, finite threshold). */
    private final ReplicaState state;
    private final SparseAllReduce allReduce;
    private final ReplicaSync sync;
    private final AgentRunner runner;
    private volatile boolean started;

    public Replication(final ParameterStore store, final ReplicationOptions options, final ParameterManager manager,
        final Transport transport, final OpRecorder recorder, final long timeoutNanos)
    {
        this.options = options;
        this.timeoutNanos = timeoutNanos;
        if (manager == null || manager.nodes() == 1 || !options.syncs())
        {
            state = null;
            allReduce = null;
            sync = null;
            runner = null;
            return;
        }
        this.state = new ReplicaState(options.keys(), store.layout());
        store.replicaUpdates(state);
        this.allReduce = new SparseAllReduce(manager.rank(), manager.nodes(), store.layout(),
            transport.maxMessageLength(), transport::send, timeoutNanos, manager::failure);
        manager.syncMessages(allReduce::onMessage);
        this.sync = new ReplicaSync(state, store, options, allReduce, recorder, manager);
        this.runner = new AgentRunner(new NoOpIdleStrategy(), this::agentFailed, null, sync);
    }

    private void agentFailed(final Throwable error)
    {
        // The agent ends by AgentTerminationException after the agreed last round, or after it failed the
        // node with the reason; only something else is news here.
        if (!(error instanceof AgentTerminationException))
        {
            LOG.error("{} failed", sync.roleName(), error);
        }
    }

    public ReplicationOptions options()
    {
        return options;
    }

    /** True if this node runs synchronization rounds. */
    public boolean syncs()
    {
        return sync != null;
    }

    /** Starts the sync agent ({@code nups-sync-r<rank>}); call once every node is connected. */
    public synchronized void start()
    {
        if (sync == null || started)
        {
            return;
        }
        started = true;
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, sync.roleName());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Begins (true) or ends (false) the setup phase: updates to replicas are initial values, applied unscaled.
     * Returns once a round under way completed, so updates made after the return follow the new rule (see
     * {@link ReplicaSync#setup}); bounded by the wait timeout.
     */
    public void setup(final boolean on)
    {
        if (sync != null)
        {
            sync.setup(on, timeoutNanos);
        }
    }

    /**
     * Returns once every update to a replica made on any node before the call is in this node's replicas, and
     * this node's updates are in every node's (three completed rounds, see {@link ReplicaSync#awaitRounds});
     * each round bounded by the wait timeout, and failing at once if the node fails or synchronization stopped.
     * No-op without synchronization.
     */
    public void waitReplicaSync()
    {
        if (sync != null)
        {
            sync.awaitRounds(timeoutNanos);
        }
    }

    /** Rounds completed so far (0 without synchronization). */
    public long roundsCompleted()
    {
        return sync == null ? 0 : sync.roundsCompleted();
    }

    /**
     * Votes to stop and waits, bounded, until the agent left; every node's agent leaves after the same round.
     * Call only once all nodes are leaving (after the closing barrier).
     */
    public void stop()
    {
        if (sync == null || !started)
        {
            return;
        }
        sync.requestStop();
        final long deadline = System.nanoTime() + timeoutNanos;
        while (!sync.isFinished())
        {
            if (System.nanoTime() - deadline > 0)
            {
                LOG.error("{}: synchronization did not stop within {} s; closing it", sync.roleName(),
                    TimeUnit.NANOSECONDS.toSeconds(timeoutNanos));
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** One line of synchronization statistics, or null without synchronization. */
    public String summary()
    {
        return sync == null ? null : sync.summary();
    }

    @Override
    public synchronized void close()
    {
        if (runner != null && started)
        {
            runner.close(1000, thread -> LOG.warn("{} did not stop in time", thread.getName()));
        }
        if (state != null)
        {
            state.close();
        }
    }
}
