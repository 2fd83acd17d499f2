package io.nups.api;

import io.nups.cluster.ClusterConfig;
import io.nups.cluster.ClusterException;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public builder starting several nodes (here in one JVM, one thread per node as a process would):
 * cluster from explicit config and from the launcher's environment, tcp and shm, classic and relocation,
 * the node-level barrier, and start-up failures that name what was not reached.
 */
class MultiNodeApiTest
{
    private static final int KEYS = 200;
    private static final int LENGTH = 4;

    @Test
    void threeNodesOverTcpWithRelocationAddEveryPushExactlyOnce() throws Exception
    {
        final int port = freePort();
        runCluster(3, rank -> Nups.builder().keys(KEYS, LENGTH).threads(2)
            .cluster(ClusterConfig.explicit(rank, 3, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
            .transport(Nups.Transport.TCP).mode(Nups.Mode.RELOCATION).keyPermutation(11)
            .startupTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void twoNodesFromTheLauncherEnvironmentOverShmInClassicMode() throws Exception
    {
        final int port = freePort();
        runCluster(2, rank -> Nups.builder().keys(KEYS, LENGTH).threads(2)
            .clusterFromEnvironment(Map.of("NUPS_RANK", "" + rank, "NUPS_NODES", "2",
                "NUPS_COORDINATOR", "127.0.0.1:" + port))
            .transport(Nups.Transport.AUTO).mode(Nups.Mode.CLASSIC));
    }

    @Test
    void threeNodesOverShmWithHotKeysReplicatedSumEveryPush() throws Exception
    {
        final int port = freePort();
        runCluster(3, rank -> Nups.builder().keys(KEYS, LENGTH).threads(2)
            .cluster(ClusterConfig.explicit(rank, 3, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
            .transport(Nups.Transport.SHM).mode(Nups.Mode.RELOCATION)
            .replication(ReplicationOptions.of(HotKeys.of(KEYS, 0, 1, 2, 3, 5, 8, 13, 21)).withSyncsPerSecond(100)));
    }

    @Test
    void hotKeysChosenByCostAreReplicatedOnEveryNode() throws Exception
    {
        // Keys 0-2 are accessed 100,000 times a second cluster-wide: far above break-even at 25 rounds/s on
        // 2 nodes; the rest once.
        final long[] counts = new long[KEYS];
        Arrays.fill(counts, 1);
        counts[0] = counts[1] = counts[2] = 1_000_000;
        final int port = freePort();
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<HotKeys>> chosen = new ArrayList<>();
            for (int r = 0; r < 2; r++)
            {
                final int rank = r;
                chosen.add(pool.submit(() ->
                {
                    try (ParameterServer ps = Nups.builder().keys(KEYS, LENGTH)
                        .cluster(ClusterConfig.explicit(rank, 2, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                        .transport(Nups.Transport.TCP).replicateByAccessCounts(counts, Duration.ofSeconds(10))
                        .start())
                    {
                        final float[] out = new float[LENGTH];
                        assertTrue(ps.worker(0).pullIfLocal(0, out) && ps.worker(0).pullIfLocal(2, out),
                            "replicated keys are local on node " + rank);
                        return ps.replicatedKeys();
                    }
                }));
            }
            for (final Future<HotKeys> keys : chosen)
            {
                assertEquals(HotKeys.of(KEYS, 0, 1, 2), keys.get(60, TimeUnit.SECONDS));
            }
        }
        finally
        {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void nodesStartedWithDifferentReplicatedKeysRefuseEachOther() throws Exception
    {
        final int port = freePort();
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<?>> starts = new ArrayList<>();
            for (int r = 0; r < 2; r++)
            {
                final int rank = r;
                starts.add(pool.submit(() -> Nups.builder().keys(KEYS, LENGTH)
                    .cluster(ClusterConfig.explicit(rank, 2, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                    .transport(Nups.Transport.TCP).replicate(HotKeys.of(KEYS, rank)).waitTimeout(Duration.ofSeconds(20))
                    .start().close()));
            }
            for (final Future<?> start : starts)
            {
                final java.util.concurrent.ExecutionException ex =
                    assertThrows(java.util.concurrent.ExecutionException.class, () -> start.get(60, TimeUnit.SECONDS));
                assertTrue(String.valueOf(ex.getCause().getMessage()).contains("was started with other settings"),
                    String.valueOf(ex.getCause()));
            }
        }
        finally
        {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void anEmptyEnvironmentIsASingleNode()
    {
        try (ParameterServer ps = Nups.builder().keys(10, 2).clusterFromEnvironment(Map.of()).start())
        {
            assertEquals(1, ps.nodes());
            ps.barrier(); // nothing to wait for
        }
    }

    @Test
    void anUnreachableCoordinatorIsNamedWithinTheTimeout() throws Exception
    {
        final int port = freePort();
        final ClusterException ex = assertThrows(ClusterException.class, () -> Nups.builder().keys(10, 2)
            .cluster(ClusterConfig.explicit(1, 2, "127.0.0.1:" + port, 0))
            .startupTimeout(Duration.ofSeconds(1)).start());
        assertTrue(ex.getMessage().contains("coordinator 127.0.0.1:" + port), ex.getMessage());
    }

    private interface BuilderOf
    {
        Nups.Builder of(int rank);
    }

    /**
     * Starts {@code n} nodes, each worker pushes 1 to every key (localizing them first), all meet, every
     * node reads n × threads everywhere, then the node barrier and a coordinated close.
     */
    private static void runCluster(final int n, final BuilderOf builders) throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(n);
        try
        {
            final List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < n; r++)
            {
                final int rank = r;
                results.add(pool.submit(() -> runNode(builders.of(rank), rank, n)));
            }
            for (final Future<float[]> result : results)
            {
                final float[] values = result.get(90, TimeUnit.SECONDS);
                final float[] expected = new float[values.length];
                Arrays.fill(expected, n * 2f);
                assertArrayEquals(expected, values);
            }
        }
        finally
        {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    private static float[] runNode(final Nups.Builder builder, final int rank, final int n) throws Exception
    {
        try (ParameterServer ps = builder.start())
        {
            assertEquals(rank, ps.rank());
            assertEquals(n, ps.nodes());
            final int[] keys = new int[KEYS];
            for (int k = 0; k < KEYS; k++)
            {
                keys[k] = k;
            }
            final Thread[] threads = new Thread[ps.threads()];
            final Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads.length; t++)
            {
                final Worker w = ps.worker(t);
                threads[t] = new Thread(() ->
                {
                    try
                    {
                        final float[] ones = new float[KEYS * LENGTH];
                        Arrays.fill(ones, 1f);
                        w.localize(keys);
                        w.push(keys, ones);
                        w.waitAll();
                        w.barrier();
                    }
                    catch (final Throwable ex)
                    {
                        failure[0] = ex;
                    }
                }, "api-test-r" + rank + "-w" + t);
                threads[t].start();
            }
            for (final Thread thread : threads)
            {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            if (failure[0] != null)
            {
                throw new AssertionError("node " + rank + " worker failed", failure[0]);
            }
            final Worker w = ps.worker(0);
            final float[] out = new float[KEYS * LENGTH];
            ps.waitReplicaSync(); // replicated keys: every node's pushes reach this node's replicas
            w.waitFor(w.pull(keys, out));
            ps.barrier(); // no node closes before every node has read
            return out;
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
