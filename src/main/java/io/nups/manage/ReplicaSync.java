package io.nups.manage;

import io.nups.metrics.OpKind;
import io.nups.metrics.OpRecorder;
import io.nups.store.KeyLayout;
import io.nups.store.ParameterStore;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The replica synchronization agent of one node ({@code nups-sync-r<rank>}, reference §2.3–§2.6). Each round:
 * <ol>
 *   <li><b>collect</b>: for each replicated key that qualifies under the threshold rule, its delta = local value
 *       minus last synchronized state (the key's updated bit is cleared before the value is read);</li>
 *   <li><b>exchange</b>: the sparse deltas of all nodes are summed by {@link SparseAllReduce} (any node count);</li>
 *   <li><b>apply</b>: per key of the sum, scaled by 1/N if averaging (not in the setup phase) and clipped to
 *       {@code clip} × the running mean norm once {@link ReplicationOptions#CLIP_WARM_UP} norms were seen;
 *       synchronized state += scaled sum; local value += scaled sum − own delta. Pushes that landed between
 *       collect and apply stay in local − synchronized and go out next round.</li>
 * </ol>
 * With averaging and clipping off, every replica therefore converges to exactly the sum of all updates.
 *
 * <p>Rate: a round starts every 1/syncsPerSecond (at once if the previous one overran), or a fixed pause after
 * the previous one, or back-to-back. {@link #requestStop()} votes to stop in the next round (started at once);
 * the vote is ORed through the exchange, so every node's agent leaves after the same round. A failed exchange
 * (lost peer, silent peer past the timeout) fails the node with the reason and ends the agent.
 */
final class ReplicaSync implements Agent
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSync.class);
    /** Longest sleep between rounds before looking at the clock and the stop flag again. */
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long WAIT_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(100);
    /** How much longer than the exchange {@link #awaitRounds} waits for a round, so the exchange names the peer. */
    private static final long WAIT_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Rounds {@link #awaitRounds} waits for. */
    static final int ROUNDS_TO_SYNC = 3;

    private final int rank;
    private final int nodes;
    private final ReplicaState state;
    private final ParameterStore store;
    private final KeyLayout layout;
    private final ReplicationOptions options;
    private final SparseAllReduce allReduce;
    private final OpRecorder recorder;
    private final ParameterManager manager;
    private final SparseVector own;
    private final SparseVector sum;
    private final Doorbell doorbell = new Doorbell();
    private float[] value = new float[16];
    private float[] scaled = new float[16];
    private long nextRoundAt;
    private long normsSeen;
    private double meanNorm;
    private volatile boolean stopRequested;
    private volatile boolean setup;
    private volatile boolean finished;
    private volatile long roundsCompleted;
    /** Set before a round reads the setup flag, so {@link #setup} can tell whether a round holds the old vote. */
    private volatile long roundsStarted;
    private volatile long keysSent;
    private volatile long startNanos;

    ReplicaSync(final ReplicaState state, final ParameterStore store, final ReplicationOptions options,
        final SparseAllReduce allReduce, final OpRecorder recorder, final ParameterManager manager)
    {
        this.rank = manager.rank();
        this.nodes = manager.nodes();
        this.state = state;
        this.store = store;
        this.layout = store.layout();
        this.options = options;
        this.allReduce = allReduce;
        this.recorder = recorder;
        this.manager = manager;
        this.own = new SparseVector(layout);
        this.sum = new SparseVector(layout);
    }

    @Override
    public String roleName()
    {
        return "nups-sync-r" + rank;
    }

    @Override
    public void onStart()
    {
        startNanos = System.nanoTime();
        nextRoundAt = startNanos;
    }

    @Override
    public int doWork()
    {
        final long now = System.nanoTime();
        final long wait = nextRoundAt - now;
        if (wait > 0 && !stopRequested)
        {
            doorbell.arm();
            doorbell.park(!stopRequested, Math.min(wait, MAX_IDLE_NANOS));
            return 0;
        }
        final boolean stop;
        try
        {
            stop = round(now);
        }
        catch (final RuntimeException ex)
        {
            final String reason = "replica synchronization of node " + rank + " failed in round " + roundsCompleted +
                ": " + ex.getMessage();
            // The failure first: a waiter that sees the agent finished must find the reason (naming the peer).
            manager.fail(reason);
            finished = true;
            throw new AgentTerminationException(reason);
        }
        if (stop)
        {
            finished = true;
            LOG.debug("node {}: replica synchronization left after round {}", rank, roundsCompleted);
            throw new AgentTerminationException();
        }
        return 1;
    }

    /** Runs one round; true if some node voted to stop in it. */
    private boolean round(final long start)
    {
        final long round = roundsCompleted;
        roundsStarted = round + 1;
        int flags = stopRequested ? SyncMessageDescriptor.STOP_FLAG : 0;
        if (setup)
        {
            flags |= SyncMessageDescriptor.SETUP_FLAG;
        }
        collect();
        final long collected = System.nanoTime();
        final int agreed = allReduce.reduce(round, own, flags, sum);
        final long exchanged = System.nanoTime();
        apply((agreed & SyncMessageDescriptor.SETUP_FLAG) != 0);
        final long end = System.nanoTime();
        record(OpKind.SYNC_COLLECT, collected - start, state.size());
        record(OpKind.SYNC_EXCHANGE, exchanged - collected, sum.size());
        record(OpKind.SYNC_APPLY, end - exchanged, sum.size());
        record(OpKind.SYNC_ROUND, end - start, own.size());
        keysSent += own.size();
        roundsCompleted = round + 1;
        // A pause counts from the round's end; a rate puts rounds on its grid (an overrun round is followed at once).
        nextRoundAt = (options.pauseMillis() > 0 ? end : start) + roundGapNanos();
        return (agreed & SyncMessageDescriptor.STOP_FLAG) != 0;
    }

    private void record(final OpKind kind, final long nanos, final int keys)
    {
        recorder.shouldTime(kind);
        recorder.record(kind, nanos);
        recorder.countKeys(kind, keys);
    }

    private void collect()
    {
        own.clear();
        final boolean all = options.threshold() < 0;
        final double threshold = options.threshold();
        for (int i = 0; i < state.size(); i++)
        {
            final int key = state.key(i);
            if (!state.takeUpdated(key) && !all)
            {
                continue;
            }
            final int length = layout.length(key);
            final float[] current = value(length);
            if (!store.read(key, length, current, 0))
            {
                throw new IllegalStateException("replicated key " + key + " is not held by node " + rank);
            }
            final float[] delta = scaled(length);
            final double norm = state.delta(i, current, delta);
            if (threshold > 0 && norm < threshold)
            {
                state.keepUpdated(key); // accumulates until it is large enough to be worth sending
                continue;
            }
            own.append(key, delta, 0);
        }
    }

    private void apply(final boolean setupRound)
    {
        final float factor = options.average() && !setupRound ? 1f / nodes : 1f;
        final float[] ownValues = own.values();
        int replica = 0;
        int mine = 0;
        for (int e = 0; e < sum.size(); e++)
        {
            final int key = sum.key(e);
            while (replica < state.size() && state.key(replica) < key)
            {
                replica++;
            }
            if (replica == state.size() || state.key(replica) != key)
            {
                throw new IllegalStateException("the round's sum names key " + key + ", which node " + rank +
                    " does not replicate: every node must replicate the same keys");
            }
            final int length = layout.length(key);
            final float[] update = scaled(length);
            final float[] sumValues = sum.values();
            final int from = sum.valueOffset(e);
            double squares = 0;
            for (int j = 0; j < length; j++)
            {
                update[j] = factor * sumValues[from + j];
                squares += (double)update[j] * update[j];
            }
            if (!setupRound)
            {
                clip(update, length, Math.sqrt(squares));
            }
            state.addSynced(replica, update, 0);
            while (mine < own.size() && own.key(mine) < key)
            {
                mine++;
            }
            if (mine < own.size() && own.key(mine) == key)
            {
                final int ownFrom = own.valueOffset(mine);
                for (int j = 0; j < length; j++)
                {
                    update[j] -= ownValues[ownFrom + j];
                }
            }
            if (!store.addSynchronized(key, length, update, 0))
            {
                throw new IllegalStateException("replicated key " + key + " is not held by node " + rank);
            }
        }
    }

    /** Records the norm and, past the warm-up, scales the update down to clip × the running mean norm. */
    private void clip(final float[] update, final int length, final double norm)
    {
        normsSeen++;
        meanNorm += (norm - meanNorm) / normsSeen;
        final double limit = options.clip() * meanNorm;
        if (options.clip() > 0 && normsSeen > ReplicationOptions.CLIP_WARM_UP && norm > limit)
        {
            final float scale = (float)(limit / norm);
            for (int j = 0; j < length; j++)
            {
                update[j] *= scale;
            }
        }
    }

    private float[] value(final int length)
    {
        if (value.length < length)
        {
            value = new float[length];
        }
        return value;
    }

    private float[] scaled(final int length)
    {
        if (scaled.length < length)
        {
            scaled = new float[length];
        }
        return scaled;
    }

    /** Votes to stop in the next round, which starts at once. */
    void requestStop()
    {
        stopRequested = true;
        doorbell.ring();
    }

    /**
     * Updates from now on are setup (initial values): applied unscaled and unclipped, norms not recorded; or,
     * off, normal updates again. Returns once a round under way has completed: it may have cast the old vote
     * and would carry updates made after the switch, which would then be applied by the old rule. Switching on
     * every node, then a barrier, so puts every later update into rounds with the new vote. Bounded like
     * {@link #awaitRounds}.
     */
    void setup(final boolean on, final long timeoutNanos)
    {
        setup = on;
        // A round that read the old flag wrote roundsStarted before reading it (both volatile), so it shows here.
        awaitCompleted(roundsStarted, timeoutNanos, "switching the setup phase");
    }

    boolean isFinished()
    {
        return finished;
    }

    long roundsCompleted()
    {
        return roundsCompleted;
    }

    /**
     * Returns once {@link #ROUNDS_TO_SYNC} more rounds completed here. Rounds are collective, so nodes are at most
     * one round apart: at the call, round c may be under way here (its deltas already collected); another node
     * may already have collected round c + 1, but not round c + 2, which needs this node's round c + 1 data. So
     * round c + 2 carries every update made on any node before the call, and this node completes it only after
     * every other node applied round c + 1, which carries this node's updates made before the call. (NuPS waits
     * for two rounds, which covers the calling node's own updates only.) Throws if the node fails or the agent
     * stops first.
     *
     * <p>The bound is per round, not in total: three rounds may by design take longer than the timeout (a long
     * pause), and a round stuck on a silent peer is the agent's to report, since only its exchange knows the
     * peer, and it gives up after {@code timeoutNanos}. So this wait gives up only once no round completed for
     * the timeout plus the gap between rounds plus {@link #WAIT_SLACK_NANOS}.
     */
    void awaitRounds(final long timeoutNanos)
    {
        awaitCompleted(roundsCompleted + ROUNDS_TO_SYNC, timeoutNanos, "waitReplicaSync");
    }

    /** Returns once {@code target} rounds completed here; throws and bounds as {@link #awaitRounds} says. */
    private void awaitCompleted(final long target, final long timeoutNanos, final String what)
    {
        final long start = roundsCompleted;
        final long patience = timeoutNanos + roundGapNanos() + WAIT_SLACK_NANOS;
        long seen = start;
        long deadline = System.nanoTime() + patience;
        while (seen < target)
        {
            final String failure = manager.failure();
            if (failure != null)
            {
                throw new IllegalStateException("nups node " + rank + " stopped: " + failure);
            }
            if (finished)
            {
                throw new IllegalStateException("replica synchronization of node " + rank + " has stopped (round " +
                    roundsCompleted + "); " + what + " needs it running");
            }
            final long now = System.nanoTime();
            final long completed = roundsCompleted;
            if (completed != seen)
            {
                seen = completed;
                deadline = now + patience;
            }
            else if (now - deadline > 0)
            {
                throw new IllegalStateException("replica synchronization of node " + rank + " completed " +
                    (seen - start) + " of " + (target - start) + " rounds, and none in the last " +
                    TimeUnit.NANOSECONDS.toMillis(patience) + " ms (" + what + ")");
            }
            LockSupport.parkNanos(WAIT_POLL_NANOS);
        }
    }

    /** The longest a healthy agent sleeps between rounds: the pause, else the rate's interval. */
    private long roundGapNanos()
    {
        return options.pauseMillis() > 0 ? TimeUnit.MILLISECONDS.toNanos(options.pauseMillis()) :
            options.roundIntervalNanos();
    }

    /** One line: rounds, rate, keys and bytes per round, share of replicated keys sent per round. */
    String summary()
    {
        final long rounds = roundsCompleted;
        final double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        final double keysPerRound = rounds == 0 ? 0 : (double)keysSent / rounds;
        return String.format("replica sync r%d: %d rounds (%.1f/s), %.1f keys and %.0f bytes sent per round, " +
            "%.1f%% of %d replicated keys", rank, rounds, rounds / seconds, keysPerRound,
            rounds == 0 ? 0.0 : (double)allReduce.bytesSent() / rounds,
            state.size() == 0 ? 0.0 : 100.0 * keysPerRound / state.size(), state.size());
    }
}
