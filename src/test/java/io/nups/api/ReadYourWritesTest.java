package io.nups.api;

import io.nups.cluster.ClusterConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A worker that pushes to a key on another node without waiting and then pulls it reads its own push: the pull
 * must not overtake the push, even when the key's slot could be read one-sidedly (shm: a memcpy that needs no
 * message; tcp: a read served by the other node's I/O thread). MF training on 2 nodes diverged before this held.
 */
class ReadYourWritesTest
{
    private static final int KEYS = 64;
    private static final int LENGTH = 8;
    private static final int ROUNDS = 3000;

    @ParameterizedTest
    @EnumSource(value = Nups.Transport.class, names = {"SHM", "TCP"})
    void aPullAfterAnUnwaitedPushSeesThePush(final Nups.Transport transport) throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<Integer>> nodes = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++)
            {
                final Nups.Builder builder = Nups.builder().keys(KEYS, LENGTH).threads(1)
                    .cluster(ClusterConfig.explicit(rank, 2, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                    .transport(transport).mode(Nups.Mode.CLASSIC).startupTimeout(Duration.ofSeconds(30));
                nodes.add(pool.submit(() ->
                {
                    try (ParameterServer ps = builder.start())
                    {
                        final Worker worker = ps.worker(0);
                        int stale = 0;
                        if (ps.rank() == 0)
                        {
                            final int key = KEYS - 1; // homed on node 1
                            final float[] one = new float[LENGTH];
                            java.util.Arrays.fill(one, 1f);
                            final float[] value = new float[LENGTH];
                            worker.waitFor(worker.pull(key, value)); // learn the slot's location first
                            for (int round = 1; round <= ROUNDS; round++)
                            {
                                worker.push(key, one);
                                worker.waitFor(worker.pull(key, value));
                                stale += value[0] == round ? 0 : 1;
                            }
                            worker.waitAll();
                        }
                        worker.barrier();
                        return stale;
                    }
                }));
            }
            assertEquals(0, nodes.get(0).get(120, TimeUnit.SECONDS), "pulls that missed the worker's own push");
            assertEquals(0, nodes.get(1).get(120, TimeUnit.SECONDS));
        }
        finally
        {
            pool.shutdownNow();
            pool.awaitTermination(20, TimeUnit.SECONDS);
        }
    }
}
