package io.nups.node;

import io.nups.store.KeyLayout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several nodes in one JVM over real transports: classic mode and relocation, exact results. */
class ClusterTest
{
    private static final int LENGTH = 4;

    @TempDir
    Path runDirectory;

    static Stream<Arguments> transportsAndModes()
    {
        return Stream.of(
            Arguments.of(LocalCluster.Kind.TCP, false, 3),
            Arguments.of(LocalCluster.Kind.SHM, false, 2),
            Arguments.of(LocalCluster.Kind.TCP, true, 3),
            Arguments.of(LocalCluster.Kind.SHM, true, 4));
    }

    static Stream<Arguments> transports()
    {
        return Stream.of(Arguments.of(LocalCluster.Kind.TCP), Arguments.of(LocalCluster.Kind.SHM));
    }

    @ParameterizedTest(name = "{0}, relocation {1}, {2} nodes")
    @MethodSource("transportsAndModes")
    void everyPushIsAppliedExactlyOnce(final LocalCluster.Kind kind, final boolean relocation, final int n)
        throws Exception
    {
        final int numKeys = 97;
        final int rounds = 300;
        final AtomicLongArray pushes = new AtomicLongArray(numKeys);
        final Path run = runDirectory.resolve("run");
        try (LocalCluster cluster = new LocalCluster(kind, n, KeyLayout.uniform(numKeys, LENGTH), 2, relocation,
            null, run))
        {
            cluster.runOnAllWorkers((node, worker) ->
            {
                final SplittableRandom random = new SplittableRandom(node.rank() * 31L + worker.index());
                final float[] one = new float[3 * LENGTH];
                Arrays.fill(one, 1f);
                final float[] out = new float[3 * LENGTH];
                for (int round = 0; round < rounds; round++)
                {
                    final int[] keys = {random.nextInt(numKeys), random.nextInt(numKeys), random.nextInt(numKeys)};
                    if (random.nextInt(3) == 0)
                    {
                        final long localized = worker.localize(keys);
                        if (random.nextBoolean())
                        {
                            worker.waitFor(localized);
                        }
                    }
                    worker.push(keys, one);
                    for (final int key : keys)
                    {
                        pushes.incrementAndGet(key);
                    }
                    worker.waitFor(worker.pull(keys, out));
                }
                worker.waitAll();
                worker.barrier();
            });
            assertAllNodesSee(cluster, numKeys, key -> pushes.get(key));
        }
        // A clean exit leaves nothing behind: each node removes its files, the last one the directory.
        assertFalse(Files.exists(run), () -> "left behind in " + run + ": " + list(run));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void synchronousOperationsReadTheirWritesWhileKeysMove(final LocalCluster.Kind kind) throws Exception
    {
        final int numKeys = 8;
        try (LocalCluster cluster = new LocalCluster(kind, 3, KeyLayout.uniform(numKeys, LENGTH), 2, true, 7L,
            runDirectory))
        {
            cluster.runOnAllWorkers((node, worker) ->
            {
                // Each worker owns one key (others only add zeros to it) and checks it grows by exactly its
                // own pushes, while every worker keeps localizing every key.
                final int own = node.rank() * 2 + worker.index();
                final SplittableRandom random = new SplittableRandom(own);
                final float[] ones = {1, 1, 1, 1};
                final float[] zeros = new float[LENGTH];
                final float[] out = new float[LENGTH];
                for (int i = 1; i <= 200; i++)
                {
                    worker.waitFor(worker.localize(new int[] {random.nextInt(numKeys)}));
                    worker.waitFor(worker.push(own, ones));
                    worker.waitFor(worker.pull(own, out));
                    assertEquals(i, out[0], "read-your-writes of key " + own);
                    worker.waitFor(worker.push(random.nextInt(numKeys), zeros));
                }
                worker.barrier();
            });
            assertAllNodesSee(cluster, numKeys, key -> key < 6 ? 200 : 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void remotePullsFillDuplicateKeysAndVariableLengthsInCallOrder(final LocalCluster.Kind kind) throws Exception
    {
        final KeyLayout layout = KeyLayout.builder(30).range(0, 10, 2).range(10, 29, 5).range(29, 30, 1).build();
        try (LocalCluster cluster = new LocalCluster(kind, 3, layout, 1, false, null, runDirectory))
        {
            final NodeWorker writer = cluster.node(0).worker(0);
            for (int key = 0; key < 30; key++)
            {
                final float[] values = new float[layout.length(key)];
                Arrays.fill(values, key);
                writer.waitFor(writer.set(key, values));
            }
            final int[] keys = {29, 3, 29, 15, 3, 0};
            final float[] out = new float[(int)layout.totalLength(keys, keys.length)];
            final NodeWorker reader = cluster.node(2).worker(0);
            reader.waitFor(reader.pull(keys, out));
            final float[] expected = {29, 3, 3, 29, 15, 15, 15, 15, 15, 3, 3, 0, 0};
            assertArrayEquals(expected, out);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void localizedKeysAreServedLocallyAndLeaveTheirHome(final LocalCluster.Kind kind) throws Exception
    {
        try (LocalCluster cluster = new LocalCluster(kind, 2, KeyLayout.uniform(10, LENGTH), 1, true, null,
            runDirectory))
        {
            final Node home = cluster.node(0);
            final Node requester = cluster.node(1);
            assertTrue(home.store().isLocal(0) && !requester.store().isLocal(0));
            final NodeWorker worker = requester.worker(0);
            final float[] delta = {1, 2, 3, 4};
            worker.waitFor(worker.push(0, delta));
            worker.waitFor(worker.localize(new int[] {0, 1, 0}));
            assertTrue(requester.store().isLocal(0) && requester.store().isLocal(1));
            assertTrue(!home.store().isLocal(0) && !home.store().isLocal(1));
            final float[] out = new float[LENGTH];
            assertEquals(NodeWorker.DONE, worker.pull(0, out), "a localized key is pulled on the fast path");
            assertArrayEquals(delta, out);
            // The home node reaches the key at its new owner.
            final NodeWorker homeWorker = home.worker(0);
            homeWorker.waitFor(homeWorker.push(0, delta));
            homeWorker.waitFor(homeWorker.pull(0, out));
            assertArrayEquals(new float[] {2, 4, 6, 8}, out);
            assertEquals(0, requester.manager().keysInTransfer());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aNodeThatLeavesWhileTheOthersWorkEndsThemAtOnceNamingIt(final LocalCluster.Kind kind) throws Exception
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            // A 30 s wait timeout: only the departure itself, not a timeout, can end the others within 5 s.
            final LocalCluster cluster = new LocalCluster(kind, 3, KeyLayout.uniform(30, LENGTH), 1, true, null,
                runDirectory.resolve("run"), UnaryOperator.identity());
            try
            {
                final NodeWorker[] workers = {cluster.node(0).worker(0), null, cluster.node(2).worker(0)};
                final Node leaver = cluster.node(1);
                leaver.manager().fail("its application gave up");
                leaver.close();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                for (final int survivor : new int[] {0, 2})
                {
                    final Node node = cluster.node(survivor);
                    while (node.manager().failure() == null && System.nanoTime() < deadline)
                    {
                        Thread.sleep(10);
                    }
                    final String failure = node.manager().failure();
                    assertTrue(failure != null && failure.contains("lost node 1") &&
                        failure.contains("left before the cluster closed"), "node " + survivor + ": " + failure);
                    // A waiting operation fails with it instead of waiting out its timeout.
                    final IllegalStateException barrier = assertThrows(IllegalStateException.class,
                        workers[survivor]::barrier);
                    assertTrue(barrier.getMessage().contains("lost node 1"), barrier.getMessage());
                }
            }
            finally
            {
                cluster.close();
            }
        });
    }

    private static void assertAllNodesSee(final LocalCluster cluster, final int numKeys,
        final java.util.function.IntToLongFunction expected) throws Exception
    {
        final float[] out = new float[LENGTH];
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            final NodeWorker worker = cluster.node(rank).worker(0);
            for (int key = 0; key < numKeys; key++)
            {
                worker.waitFor(worker.pull(key, out));
                for (final float value : out)
                {
                    assertEquals(expected.applyAsLong(key), value, "key " + key + " seen from node " + rank);
                }
            }
        }
        long held = 0;
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            held += cluster.node(rank).store().usedSlots();
        }
        assertEquals(numKeys, held, "every key is held by exactly one node");
    }

    private static String list(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(f -> f.getFileName().toString()).toList().toString();
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
