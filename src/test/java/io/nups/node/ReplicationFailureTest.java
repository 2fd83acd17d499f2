package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.store.KeyLayout;
import io.nups.transport.Transport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replica synchronization when it ends: the nodes leave while rounds are in flight (back-to-back rounds with
 * large payloads, agents asleep in a long pause, SYNC frames held up by {@link ChaosTransport}) and every node
 * closes in bounds, as closing, with no sync thread left and all replicas equal to the sum of all pushes (the
 * agreed last round carries every push made before the close; promised with averaging and clipping off and a
 * threshold of at most 0, see {@code ReplicaSync}); and {@code waitReplicaSync} when the agent stops, the node
 * closes or a peer fails: the caller learns it at once, naming the peer or saying the synchronization stopped.
 */
class ReplicationFailureTest
{
    /** 3,000 keys of 32 floats, every second one replicated: a round's vector is about 200 KB. */
    private static final KeyLayout LAYOUT = KeyLayout.uniform(3000, 32);
    private static final HotKeys EVERY_SECOND = HotKeys.of(LAYOUT.numKeys(),
        IntStream.range(0, LAYOUT.numKeys()).filter(k -> k % 2 == 0).toArray());
    private static final ReplicationOptions BACK_TO_BACK_ALL_KEYS =
        ReplicationOptions.of(EVERY_SECOND).withSyncsPerSecond(0).withThreshold(-1);
    private static final long LONG_PAUSE_MILLIS = 10_000;
    /** How long leaving (closing barrier and the agreed last round) may take while rounds are in flight. */
    private static final Duration LEAVE_BOUND = Duration.ofSeconds(10);
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    @TempDir
    Path runs;

    private LocalCluster cluster(final LocalCluster.Kind kind, final int n, final ReplicationOptions options,
        final UnaryOperator<Transport> wrap, final Duration waitTimeout)
    {
        return new LocalCluster(kind, n, LAYOUT, 1, true, null, runs.resolve("run-" + System.nanoTime()), wrap,
            settings -> new NodeSettings(settings.layout(), settings.threads(), settings.store(),
                settings.latencySampleEvery(), waitTimeout, settings.profileDirectory(), settings.profileInterval(),
                settings.relocation(), settings.keyPermutationSeed(), settings.oneSidedPulls(),
                settings.locationCaches(), options));
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void nodesLeaveWhileBackToBackRoundsCarryLargePayloads(final LocalCluster.Kind kind)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final LocalCluster cluster = cluster(kind, 3, BACK_TO_BACK_ALL_KEYS, UnaryOperator.identity(),
                Duration.ofSeconds(30));
            try
            {
                final AtomicLongArray pushes = pushEverywhere(cluster, 300);
                awaitRounds(cluster, rounds(cluster), 3); // rounds are in flight
                leaveCloseAndCheck(cluster, pushes, LEAVE_BOUND);
            }
            finally
            {
                cluster.close();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void nodesLeaveWhileTheAgentsSleepInALongPauseAndTheLastRoundCarriesEveryPush(final LocalCluster.Kind kind)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final LocalCluster cluster = cluster(kind, 3, BACK_TO_BACK_ALL_KEYS.withThreshold(0)
                .withPauseMillis(LONG_PAUSE_MILLIS), UnaryOperator.identity(), Duration.ofSeconds(30));
            try
            {
                awaitRounds(cluster, new long[cluster.size()], 1); // the first round runs at start
                final long[] before = rounds(cluster);
                final AtomicLongArray pushes = pushEverywhere(cluster, 300);
                // Leaving must not wait out the pause: the stop vote starts the last round at once.
                final long[] after = leaveCloseAndCheck(cluster, pushes, Duration.ofMillis(LONG_PAUSE_MILLIS / 2));
                for (int rank = 0; rank < cluster.size(); rank++)
                {
                    // Asleep since the first round when the leave began: the stop round alone carried the pushes.
                    assertEquals(before[rank] + 1, after[rank], "rounds at node " + rank);
                }
            }
            finally
            {
                cluster.close();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void nodesLeaveWhileDelayedSyncFramesKeepARoundMidExchange(final LocalCluster.Kind kind)
    {
        // Every message 0-20 ms late, one in 20 holding its link up to 50 ms: rounds spend most time waiting.
        final ChaosTransport.Options slow = new ChaosTransport.Options(20_000, 20, 50_000, 0, 0);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final LocalCluster cluster = cluster(kind, 4, BACK_TO_BACK_ALL_KEYS,
                transport -> new ChaosTransport(transport, 7, slow, null), Duration.ofSeconds(30));
            try
            {
                final AtomicLongArray pushes = pushEverywhere(cluster, 300);
                awaitRounds(cluster, rounds(cluster), 2);
                leaveCloseAndCheck(cluster, pushes, LEAVE_BOUND);
            }
            finally
            {
                cluster.close();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void aWaitingCallerLearnsAtOnceThatTheNodesLeftAndALaterCallThatTheNodeIsClosed(final LocalCluster.Kind kind)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final LocalCluster cluster = cluster(kind, 3, BACK_TO_BACK_ALL_KEYS.withPauseMillis(LONG_PAUSE_MILLIS),
                UnaryOperator.identity(), Duration.ofSeconds(30));
            // Three rounds take two pauses: the caller is still waiting when the nodes close.
            final CompletableFuture<Void> waiting = inThread("wait-r0", cluster.node(0)::waitReplicaSync);
            Thread.sleep(200);
            assertTrue(!waiting.isDone(), "waitReplicaSync returned within a 10 s pause");
            final long closeStart = System.nanoTime();
            cluster.close();
            final Throwable error = failure(waiting, Duration.ofSeconds(5));
            assertTrue(System.nanoTime() - closeStart < CLOSE_BOUND.toNanos(), "the caller waited on");
            assertTrue(error.getMessage().contains("replica synchronization of node 0 has stopped") ||
                error.getMessage().contains("node 0 is closed"), error.getMessage());
            final IllegalStateException late = assertThrows(IllegalStateException.class,
                cluster.node(0)::waitReplicaSync);
            assertEquals("nups node 0 is closed", late.getMessage());
        });
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void waitReplicaSyncOutlastsTheWaitTimeoutWhileRoundsProgress(final LocalCluster.Kind kind)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            // Three rounds 1.5 s apart take longer than the 2 s timeout, yet each round comes in time.
            final LocalCluster cluster = cluster(kind, 2, BACK_TO_BACK_ALL_KEYS.withPauseMillis(1500),
                UnaryOperator.identity(), Duration.ofSeconds(2));
            try
            {
                final long start = System.nanoTime();
                cluster.node(0).waitReplicaSync();
                assertTrue(System.nanoTime() - start > TimeUnit.SECONDS.toNanos(2), "three rounds in under 2 s");
            }
            finally
            {
                cluster.close();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void aPeerThatFailsAndLeavesMidRoundEndsWaitingCallersNamingIt(final LocalCluster.Kind kind)
    {
        final Duration timeout = Duration.ofSeconds(2);
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final LocalCluster cluster = cluster(kind, 3, BACK_TO_BACK_ALL_KEYS, UnaryOperator.identity(), timeout);
            try
            {
                final List<CompletableFuture<Void>> waiting = new ArrayList<>();
                for (final int survivor : new int[] {0, 2})
                {
                    final Node node = cluster.node(survivor);
                    // Back-to-back calls: one is waiting whenever node 1 goes.
                    waiting.add(inThread("wait-r" + survivor, () ->
                    {
                        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (System.nanoTime() < end)
                        {
                            node.waitReplicaSync();
                        }
                    }));
                }
                awaitRounds(cluster, rounds(cluster), 3);
                cluster.node(1).manager().fail("injected failure of node 1");
                cluster.node(1).close();
                for (int i = 0; i < waiting.size(); i++)
                {
                    // The rounds with node 1 fail within the timeout, naming it; the callers learn that at once.
                    final Throwable error = failure(waiting.get(i), timeout.plusSeconds(2));
                    assertTrue(error.getMessage().contains("node 1"), error.getMessage());
                }
            }
            finally
            {
                cluster.close();
            }
        });
    }

    /** What {@code call} failed with, within {@code bound}. */
    private static Throwable failure(final CompletableFuture<Void> call, final Duration bound) throws Exception
    {
        final ExecutionException failed = assertThrows(ExecutionException.class,
            () -> call.get(bound.toMillis(), TimeUnit.MILLISECONDS));
        return assertInstanceOf(IllegalStateException.class, failed.getCause());
    }

    /** Each node's worker pushes 1s to random replicated keys {@code count} times; returns the pushes per key. */
    private static AtomicLongArray pushEverywhere(final LocalCluster cluster, final int count) throws Exception
    {
        final AtomicLongArray pushes = new AtomicLongArray(LAYOUT.numKeys());
        cluster.runOnAllWorkers((node, worker) ->
        {
            final SplittableRandom random = new SplittableRandom(node.rank());
            final float[] ones = new float[LAYOUT.length(0)];
            Arrays.fill(ones, 1f);
            for (int i = 0; i < count; i++)
            {
                final int key = EVERY_SECOND.key(random.nextInt(EVERY_SECOND.size()));
                assertEquals(NodeWorker.DONE, worker.push(key, ones), "a replica push is local");
                pushes.incrementAndGet(key);
            }
        });
        return pushes;
    }

    private static long[] rounds(final LocalCluster cluster)
    {
        final long[] rounds = new long[cluster.size()];
        for (int rank = 0; rank < rounds.length; rank++)
        {
            rounds[rank] = cluster.node(rank).replication().roundsCompleted();
        }
        return rounds;
    }

    /**
     * Runs {@code task} on a thread of its own. Not {@code CompletableFuture.runAsync}: on a 2-core machine the
     * common pool has one thread (JDK 25 uses it even then), so tasks that wait for each other, as nodes leaving
     * together do, would run one after the other and deadlock until a timeout.
     */
    private static CompletableFuture<Void> inThread(final String name, final Runnable task)
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                task.run();
                done.complete(null);
            }
            catch (final Throwable ex)
            {
                done.completeExceptionally(ex);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** Waits (bounded) until every node completed {@code more} rounds after {@code start}. */
    private static void awaitRounds(final LocalCluster cluster, final long[] start, final int more)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            while (cluster.node(rank).replication().roundsCompleted() < start[rank] + more)
            {
                assertTrue(System.nanoTime() < deadline, "node " + rank + " completed fewer than " + more +
                    " rounds in 30 s");
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Every node leaves at once (as separate processes would), within {@code leaveBound}; then each node's
     * replicas must hold exactly the pushes, every node closes within {@link #CLOSE_BOUND} reporting that it
     * closed, and no sync thread is left. Returns the rounds each node completed.
     */
    private static long[] leaveCloseAndCheck(final LocalCluster cluster, final AtomicLongArray pushes,
        final Duration leaveBound) throws Exception
    {
        final long leaveStart = System.nanoTime();
        final List<CompletableFuture<Void>> leaving = new ArrayList<>();
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            leaving.add(inThread("leave-r" + rank, cluster.node(rank)::leaveCluster));
        }
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            leaving.get(rank).get(leaveBound.toNanos() - (System.nanoTime() - leaveStart), TimeUnit.NANOSECONDS);
            assertTrue(cluster.node(rank).replication().roundsCompleted() > 0, "node " + rank + " ran no round");
        }
        final long[] rounds = rounds(cluster);
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            assertEquals(rounds[0], rounds[rank], "every agent leaves after the same round");
            assertReplicasHold(cluster.node(rank), pushes);
        }
        final long closeStart = System.nanoTime();
        cluster.close();
        final long closeNanos = System.nanoTime() - closeStart;
        assertTrue(closeNanos < CLOSE_BOUND.toNanos(), "closing took " + closeNanos / 1_000_000 + " ms");
        for (int rank = 0; rank < cluster.size(); rank++)
        {
            assertTrue(cluster.node(rank).isClosed(), "node " + rank + " closed");
            // Closing, not a lost peer or a failed round, is what ended each node.
            assertEquals("node " + rank + " is closed", cluster.node(rank).manager().failure());
        }
        assertNoSyncThreadLeft();
        return rounds;
    }

    private static void assertReplicasHold(final Node node, final AtomicLongArray pushes)
    {
        final NodeWorker worker = node.worker(0);
        final float[] out = new float[LAYOUT.length(0)];
        for (int k = 0; k < EVERY_SECOND.size(); k++)
        {
            final int key = EVERY_SECOND.key(k);
            assertEquals(NodeWorker.DONE, worker.pull(key, out));
            for (int j = 0; j < out.length; j++)
            {
                assertEquals(pushes.get(key), out[j], "key " + key + "[" + j + "] at node " + node.rank());
            }
        }
    }

    private static void assertNoSyncThreadLeft()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            assertTrue(!thread.isAlive() || !thread.getName().startsWith("nups-sync-"),
                thread.getName() + " still runs after close");
        }
    }
}
