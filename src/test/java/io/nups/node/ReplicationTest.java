package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.store.KeyLayout;
import io.nups.store.SlotDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicated keys over real transports, 2–5 nodes in one JVM: every replica converges to exactly the sum of all
 * nodes' pushes (averaging and clipping off), reads see the node's own writes at once and other nodes' writes
 * grow monotonically, replicated keys mix with relocated ones, and the nodes leave together while rounds run.
 */
class ReplicationTest
{
    /** Keys 0..99, lengths 4 (keys below 60) and 7 (the rest); every fifth key replicated. */
    private static final KeyLayout LAYOUT = KeyLayout.builder(100).range(0, 60, 4).range(60, 100, 7).build();
    private static final HotKeys EVERY_FIFTH = HotKeys.of(100, IntStream.range(0, 100).filter(k -> k % 5 == 0)
        .toArray());

    @TempDir
    Path runs;

    static Stream<Arguments> clusters()
    {
        return Stream.of(
            Arguments.of(LocalCluster.Kind.TCP, 2),
            Arguments.of(LocalCluster.Kind.SHM, 3),
            Arguments.of(LocalCluster.Kind.TCP, 4),
            Arguments.of(LocalCluster.Kind.SHM, 5),
            Arguments.of(LocalCluster.Kind.TCP, 5),
            Arguments.of(LocalCluster.Kind.SHM, 2));
    }

    private LocalCluster cluster(final LocalCluster.Kind kind, final int n, final int threads,
        final ReplicationOptions options)
    {
        final UnaryOperator<NodeSettings> configure = settings -> settings.withReplication(options);
        return new LocalCluster(kind, n, LAYOUT, threads, true, null, runs.resolve("run-" + System.nanoTime()),
            UnaryOperator.identity(), configure);
    }

    @ParameterizedTest(name = "{0}, {1} nodes")
    @MethodSource("clusters")
    void replicasConvergeToExactlyTheSumOfAllPushes(final LocalCluster.Kind kind, final int n) throws Exception
    {
        final AtomicLongArray pushes = new AtomicLongArray(LAYOUT.numKeys());
        assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
        {
            try (LocalCluster cluster = cluster(kind, n, 2, ReplicationOptions.of(EVERY_FIFTH).withSyncsPerSecond(200)))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final SplittableRandom random = new SplittableRandom(node.rank() * 131L + worker.index());
                    final float[] ones = new float[7];
                    Arrays.fill(ones, 1f);
                    for (int i = 0; i < 3000; i++)
                    {
                        final int key = EVERY_FIFTH.key(random.nextInt(EVERY_FIFTH.size()));
                        worker.push(key, Arrays.copyOf(ones, LAYOUT.length(key)));
                        pushes.incrementAndGet(key);
                        if (i % 500 == 0)
                        {
                            // Read-your-writes: this worker's pushes so far are visible here at once.
                            final float[] out = new float[LAYOUT.length(key)];
                            worker.pull(key, out);
                            assertTrue(out[0] >= 1, "node " + node.rank() + " does not see its own push of key " + key);
                        }
                    }
                    worker.barrier();
                    node.waitReplicaSync();
                    for (int k = 0; k < EVERY_FIFTH.size(); k++)
                    {
                        final int key = EVERY_FIFTH.key(k);
                        final float[] out = new float[LAYOUT.length(key)];
                        assertEquals(NodeWorker.DONE, worker.pull(key, out), "replicated key " + key + " is local");
                        for (int j = 0; j < LAYOUT.length(key); j++)
                        {
                            assertEquals(pushes.get(key), out[j], "key " + key + "[" + j + "] at node " + node.rank());
                        }
                    }
                    worker.barrier();
                });
                for (int rank = 0; rank < n; rank++)
                {
                    assertEquals(SlotDescriptor.STATE_REPLICA, cluster.node(rank).store().state(EVERY_FIFTH.key(0)));
                    assertTrue(cluster.node(rank).replication().roundsCompleted() >= 3, "rounds ran");
                }
            }
        });
    }

    @Test
    void otherNodesSeeAReplicaGrowMonotonicallyUntilItHoldsEveryPush() throws Exception
    {
        final int n = 3;
        final int perNode = 2000;
        final int key = 60; // length 7
        assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
        {
            try (LocalCluster cluster = cluster(LocalCluster.Kind.SHM, n, 1,
                ReplicationOptions.of(EVERY_FIFTH).withSyncsPerSecond(0)))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final float[] one = new float[7];
                    Arrays.fill(one, 1f);
                    final float[] out = new float[7];
                    float last = 0;
                    for (int i = 0; i < perNode; i++)
                    {
                        worker.push(key, one);
                        worker.pull(key, out);
                        // Own pushes count at once; others' arrive by rounds and never go back.
                        assertTrue(out[0] >= last + 1, "node " + node.rank() + " saw " + out[0] + " after " + last);
                        assertTrue(out[0] >= i + 1 && out[0] <= n * perNode, "node " + node.rank() + ": " + out[0]);
                        last = out[0];
                    }
                    worker.barrier();
                    node.waitReplicaSync();
                    worker.pull(key, out);
                    for (final float v : out)
                    {
                        assertEquals(n * perNode, v, "node " + node.rank());
                    }
                    worker.barrier();
                });
            }
        });
    }

    @Test
    void nodesLeaveTogetherWhileBackToBackRoundsRun() throws Exception
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final LocalCluster cluster = cluster(LocalCluster.Kind.TCP, 4, 1,
                ReplicationOptions.of(EVERY_FIFTH).withSyncsPerSecond(0).withThreshold(-1));
            cluster.runOnAllWorkers((node, worker) ->
            {
                final float[] delta = new float[4];
                Arrays.fill(delta, 0.5f);
                for (int i = 0; i < 200; i++)
                {
                    worker.push(5, delta);
                }
                // Let some rounds run, every key sent every round (threshold -1).
                final long target = node.replication().roundsCompleted() + 20;
                while (node.replication().roundsCompleted() < target)
                {
                    Thread.onSpinWait();
                }
            });
            cluster.close();
            for (int rank = 0; rank < 4; rank++)
            {
                assertTrue(cluster.node(rank).isClosed());
                // Closing, not a lost peer or a failed round, is what ended each node.
                assertEquals("node " + rank + " is closed", cluster.node(rank).manager().failure());
            }
        });
    }
}
