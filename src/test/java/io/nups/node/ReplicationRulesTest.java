package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.store.KeyLayout;
import io.nups.store.SlotDescriptor;
import io.nups.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of replica synchronization (reference §1.7, §2.3–§2.5) at node level over real transports, with
 * expected values computed from the documented rule: the setup phase (updates applied unscaled, averaging
 * afterwards), clipping after {@link ReplicationOptions#CLIP_WARM_UP} norms, the threshold rules (> 0, -1,
 * infinity) and waitReplicaSync without synchronization. A {@link ReplicaTap} on every transport shows what
 * the rounds sent.
 */
class ReplicationRulesTest
{
    /** Keys 0..39 of 4 values; keys 0..19 replicated. */
    private static final KeyLayout LAYOUT = KeyLayout.uniform(40, 4);
    private static final HotKeys REPLICATED = HotKeys.of(40, IntStream.range(0, 20).toArray());
    private static final int[] REPLICAS = REPLICATED.toArray();
    private static final int LENGTH = 4;

    @TempDir
    Path runs;

    private LocalCluster cluster(final LocalCluster.Kind kind, final int n, final ReplicationOptions options,
        final ReplicaTap tap)
    {
        return ReferenceSuiteTest.Replicas.cluster(kind, n, LAYOUT, 1, options, runs.resolve("run-" + System.nanoTime()),
            transport -> new ChaosTransport(transport, 0, ChaosTransport.Options.NONE, tap));
    }

    static Stream<Arguments> twoToFiveNodes()
    {
        return Stream.of(
            Arguments.of(LocalCluster.Kind.TCP, 2),
            Arguments.of(LocalCluster.Kind.SHM, 3),
            Arguments.of(LocalCluster.Kind.TCP, 4),
            Arguments.of(LocalCluster.Kind.SHM, 5));
    }

    static Stream<Arguments> twoThreeNodes()
    {
        return Stream.of(Arguments.of(LocalCluster.Kind.SHM, 2), Arguments.of(LocalCluster.Kind.TCP, 3));
    }

    // ---- setup phase ------------------------------------------------------------------------------------

    /**
     * With averaging on and rounds back-to-back, cycles of: every node in the setup phase adds r + c to every
     * replica (summed unscaled: n·c + n(n−1)/2), then every node out of it adds n·(r + 1)·c (each round's sum
     * divided by n: c·n(n+1)/2 in all, exact in floats since every round's sum is a multiple of n). A push
     * made after every node began or ended the phase must land in a round of the new kind, however the
     * switch fell relative to a round under way.
     */
    @ParameterizedTest(name = "{0}, {1} nodes")
    @MethodSource("twoToFiveNodes")
    void setupUpdatesAreSummedUnscaledAndLaterOnesAveraged(final LocalCluster.Kind kind, final int n)
    {
        final int cycles = 25;
        final ReplicaTap tap = new ReplicaTap(LAYOUT, REPLICATED, n);
        final ReplicationOptions options = ReplicationOptions.of(REPLICATED).withSyncsPerSecond(0).withAverage(true);
        assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
        {
            try (LocalCluster cluster = cluster(kind, n, options, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final int r = node.rank();
                    float expected = 0;
                    for (int c = 1; c <= cycles; c++)
                    {
                        node.setupPhase(true);
                        worker.barrier();
                        pushToAllReplicas(worker, r + c);
                        expected += n * c + n * (n - 1) / 2;
                        settle(node, worker);
                        assertAllReplicas(worker, expected, "after setup phase " + c);
                        worker.barrier();
                        node.setupPhase(false);
                        worker.barrier();
                        pushToAllReplicas(worker, n * (r + 1) * c);
                        expected += c * n * (n + 1) / 2;
                        settle(node, worker);
                        assertAllReplicas(worker, expected, "after averaged updates " + c);
                        worker.barrier();
                    }
                });
            }
        });
        tap.assertReplicasStayedLocal();
        assertTrue(tap.setupVotes() > 0, "no SYNC frame carried a setup vote: " + tap);
    }

    // ---- clipping ---------------------------------------------------------------------------------------

    /**
     * Clip factor 2, averaging off. Setup pushes of norm 100 count for nothing. Then unit-norm pushes, one
     * key per round each, until CLIP_WARM_UP − 1 norms were recorded; an outlier of norm 10 (the
     * CLIP_WARM_UP-th norm) is applied in full, the next one (more than CLIP_WARM_UP recorded) is scaled to
     * 2 × the running mean norm (the mean includes both outliers), and a unit push after it is untouched.
     */
    @ParameterizedTest(name = "{0}, {1} nodes")
    @MethodSource("twoThreeNodes")
    void anOutlierIsClippedToTheRunningMeanNormOnceTheWarmUpIsOver(final LocalCluster.Kind kind, final int n)
    {
        final int warmUp = ReplicationOptions.CLIP_WARM_UP;
        final ReplicaTap tap = new ReplicaTap(LAYOUT, REPLICATED, n);
        final ReplicationOptions options = ReplicationOptions.of(REPLICATED).withSyncsPerSecond(0).withClip(2);
        assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
        {
            try (LocalCluster cluster = cluster(kind, n, options, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final int r = node.rank();
                    final float[] model = new float[LAYOUT.numKeys()];
                    node.setupPhase(true);
                    worker.barrier();
                    if (r == 0)
                    {
                        pushToAllReplicas(worker, 50); // norm 100 per key
                    }
                    Arrays.fill(model, 0, REPLICAS.length, 50);
                    settle(node, worker);
                    node.setupPhase(false);
                    worker.barrier();
                    int turn = 0;
                    for (int norms = 0; norms < warmUp - 1; turn++)
                    {
                        // Unit norm (four halves) on the last keys first, so key 0 sees only full turns.
                        final int take = Math.min(REPLICAS.length, warmUp - 1 - norms);
                        final int[] keys = Arrays.copyOfRange(REPLICAS, REPLICAS.length - take, REPLICAS.length);
                        if (r == turn % n)
                        {
                            push(worker, keys, 0.5f);
                        }
                        for (final int key : keys)
                        {
                            model[key] += 0.5f;
                        }
                        norms += take;
                        settle(node, worker);
                    }
                    assertKeys(worker, model, "after " + (warmUp - 1) + " unit norms");
                    worker.barrier(); // every node checked before the next push
                    if (r == 0)
                    {
                        push(worker, new int[] {0}, 5); // norm 10: the warm-up's last norm, not clipped
                    }
                    model[0] += 5;
                    settle(node, worker);
                    assertKeys(worker, model, "outlier at norm " + warmUp + " (not clipped)");
                    worker.barrier();
                    if (r == n - 1)
                    {
                        push(worker, new int[] {0}, 5);
                    }
                    final double meanNorm = (warmUp - 1 + 10 + 10) / (double)(warmUp + 1);
                    final double clipped = 2 * meanNorm / 10 * 5;
                    settle(node, worker);
                    final float[] out = new float[LENGTH];
                    assertEquals(NodeWorker.DONE, worker.pull(0, out));
                    for (final float v : out)
                    {
                        assertEquals(model[0] + clipped, v, 1e-4, "outlier at norm " + (warmUp + 1) +
                            " is clipped to 2 x the mean norm, at node " + r);
                    }
                    model[0] = out[0];
                    worker.barrier();
                    if (r == 0)
                    {
                        push(worker, new int[] {1}, 0.5f);
                    }
                    model[1] += 0.5f;
                    settle(node, worker);
                    assertKeys(worker, model, "a unit norm after the outliers (not clipped)");
                    worker.barrier();
                });
            }
        });
        tap.assertReplicasStayedLocal();
    }

    // ---- threshold rules --------------------------------------------------------------------------------

    /**
     * Threshold 1: a delta of norm 0.5 stays at its node through several rounds while a delta of norm 2 on
     * another key goes out; a second 0.5 step makes the accumulated delta's norm exactly 1, which is sent.
     */
    @ParameterizedTest(name = "{0}, {1} nodes")
    @MethodSource("twoThreeNodes")
    void aPositiveThresholdHoldsSmallDeltasBackUntilTheyAddUp(final LocalCluster.Kind kind, final int n)
    {
        final ReplicaTap tap = new ReplicaTap(LAYOUT, REPLICATED, n);
        final ReplicationOptions options = ReplicationOptions.of(REPLICATED).withSyncsPerSecond(0).withThreshold(1);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = cluster(kind, n, options, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final int r = node.rank();
                    if (r == 0)
                    {
                        push(worker, new int[] {0}, 0.25f); // norm 0.5
                    }
                    if (r == 1)
                    {
                        push(worker, new int[] {5}, 1); // norm 2
                    }
                    settle(node, worker);
                    assertKey(worker, 5, 1, "a delta of norm 2 is sent");
                    assertKey(worker, 0, r == 0 ? 0.25f : 0, "a delta of norm 0.5 is held back");
                    worker.barrier();
                    if (r == 0)
                    {
                        push(worker, new int[] {0}, 0.25f); // accumulated: norm 1
                    }
                    settle(node, worker);
                    assertKey(worker, 0, 0.5f, "an accumulated delta of norm 1 is sent");
                    worker.barrier();
                });
            }
        });
        tap.assertReplicasStayedLocal();
    }

    /**
     * Idle rounds (nothing pushed): with threshold −1 every SYNC frame names every replicated key, with 0
     * none. Then every node adds r + 1 everywhere and all replicas hold exactly n(n+1)/2.
     */
    @ParameterizedTest(name = "threshold {0}")
    @ValueSource(doubles = {-1, 0})
    void thresholdMinusOneSendsEveryKeyEveryRound(final double threshold)
    {
        final int n = 3;
        final ReplicaTap tap = new ReplicaTap(LAYOUT, REPLICATED, n);
        final ReplicationOptions options = ReplicationOptions.of(REPLICATED).withSyncsPerSecond(0)
            .withThreshold(threshold);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = cluster(LocalCluster.Kind.TCP, n, options, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    settle(node, worker);
                    settle(node, worker);
                    if (node.rank() == 0)
                    {
                        assertTrue(tap.syncFrames() > 0, "idle rounds ran: " + tap);
                        if (threshold < 0)
                        {
                            assertEquals(REPLICAS.length, tap.fewestKeysPerFrame(), "every key, every frame: " + tap);
                        }
                        else
                        {
                            assertEquals(0, tap.mostKeysPerFrame(), "no key while nothing changes: " + tap);
                        }
                    }
                    worker.barrier();
                    pushToAllReplicas(worker, node.rank() + 1);
                    settle(node, worker);
                    assertAllReplicas(worker, n * (n + 1) / 2, "sum of all pushes");
                    worker.barrier();
                });
            }
        });
        tap.assertReplicasStayedLocal();
        if (threshold < 0)
        {
            assertEquals(REPLICAS.length, tap.fewestKeysPerFrame(), "every key, every frame: " + tap);
        }
    }

    /**
     * Threshold infinity: no rounds at all; each node's replicas are plain local keys holding exactly that
     * node's own pushes, and waitReplicaSync returns at once.
     */
    @Test
    void infiniteThresholdKeepsEveryReplicaLocalOnly()
    {
        final int n = 3;
        final ReplicaTap tap = new ReplicaTap(LAYOUT, REPLICATED, n);
        final ReplicationOptions options = ReplicationOptions.of(REPLICATED).withThreshold(Double.POSITIVE_INFINITY);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = cluster(LocalCluster.Kind.TCP, n, options, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    assertFalse(node.replication().syncs(), "node " + node.rank() + " runs no rounds");
                    pushToAllReplicas(worker, node.rank() + 1);
                    settle(node, worker);
                    assertAllReplicas(worker, node.rank() + 1, "only this node's own pushes");
                    assertEquals(SlotDescriptor.STATE_REPLICA, node.store().state(REPLICAS[0]));
                    assertEquals(0, node.replication().roundsCompleted());
                    worker.barrier();
                });
            }
        });
        assertEquals(0, tap.syncFrames(), "no SYNC frame without synchronization: " + tap);
        tap.assertReplicasStayedLocal();
    }

    // ---- waitReplicaSync without synchronization --------------------------------------------------------

    /**
     * Without replicated keys, or with threshold infinity, waitReplicaSync returns at once, though rounds
     * (were there any) would come every 2 s and three of them take at least 4 s.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"no replicated keys", "threshold infinity"})
    void waitReplicaSyncReturnsAtOnceWithoutSynchronization(final String how)
    {
        final HotKeys keys = how.startsWith("no") ? HotKeys.none(LAYOUT.numKeys()) : REPLICATED;
        final double threshold = how.startsWith("no") ? 0 : Double.POSITIVE_INFINITY;
        final ReplicationOptions options = ReplicationOptions.of(keys).withSyncsPerSecond(0.5).withThreshold(threshold);
        final ReplicaTap tap = new ReplicaTap(LAYOUT, keys, 2);
        final AtomicInteger waits = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = cluster(LocalCluster.Kind.SHM, 2, options, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    for (int i = 0; i < 3; i++)
                    {
                        assertReturnsAtOnce(node);
                        waits.incrementAndGet();
                    }
                    assertEquals(0, node.replication().roundsCompleted(), "rounds at node " + node.rank());
                });
            }
        });
        assertEquals(6, waits.get());
        assertEquals(0, tap.syncFrames(), "no SYNC frame without synchronization: " + tap);
    }

    /** One node: replicas are plain local keys, there is no replication to wait for. */
    @Test
    void waitReplicaSyncReturnsAtOnceOnOneNode()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            final NodeSettings settings = new NodeSettings(LAYOUT, 1, StoreOptions.DEFAULT, 16, Duration.ofSeconds(30),
                null, Duration.ofSeconds(1), true, null)
                .withReplication(ReplicationOptions.of(REPLICATED).withSyncsPerSecond(0.5));
            try (Node node = new Node(settings, null))
            {
                assertNull(node.replication(), "no replication on one node");
                pushToAllReplicas(node.worker(0), 3);
                assertReturnsAtOnce(node);
                assertAllReplicas(node.worker(0), 3, "one node");
                assertEquals(SlotDescriptor.STATE_REPLICA, node.store().state(REPLICAS[0]));
            }
        });
    }

    private static void assertReturnsAtOnce(final Node node)
    {
        final long start = System.nanoTime();
        node.waitReplicaSync();
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 1000, "waitReplicaSync took " + millis + " ms at node " + node.rank());
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** Barrier, then WaitReplicaSync: this node's replicas hold every update made anywhere before the barrier. */
    private static void settle(final Node node, final NodeWorker worker)
    {
        worker.barrier();
        node.waitReplicaSync();
    }

    private static void pushToAllReplicas(final NodeWorker worker, final float value)
    {
        push(worker, REPLICAS, value);
    }

    /** Adds {@code value} to every element of the keys, in one call that is done on return (all replicas). */
    private static void push(final NodeWorker worker, final int[] keys, final float value)
    {
        final float[] deltas = new float[keys.length * LENGTH];
        Arrays.fill(deltas, value);
        assertEquals(NodeWorker.DONE, worker.push(keys, deltas), "a push of replicas is local");
    }

    private static void assertAllReplicas(final NodeWorker worker, final float expected, final String what)
    {
        for (final int key : REPLICAS)
        {
            assertKey(worker, key, expected, what);
        }
    }

    private static void assertKeys(final NodeWorker worker, final float[] model, final String what)
    {
        for (final int key : REPLICAS)
        {
            assertKey(worker, key, model[key], what);
        }
    }

    /** Every element of the replica at this node equals {@code expected} exactly. */
    private static void assertKey(final NodeWorker worker, final int key, final float expected, final String what)
    {
        final float[] out = new float[LENGTH];
        assertEquals(NodeWorker.DONE, worker.pull(key, out), "replicated key " + key + " is local");
        for (int j = 0; j < LENGTH; j++)
        {
            assertEquals(expected, out[j], what + ": key " + key + "[" + j + "] at node " + worker.node().rank());
        }
    }
}
