package io.nups.perf;

import io.nups.api.ParameterServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Starting and closing the nodes of a benchmark's cluster in one JVM (each on its own thread, as they must). */
final class LocalNodes
{
    private static final long CLOSE_SECONDS = 60;

    private LocalNodes()
    {
    }

    /** A loopback port free right now, for the coordinator of a trial's cluster. */
    static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts nodes {@code 0 .. nodes - 1} with {@code start(rank)} at once (each blocks in the rendezvous until
     * all are there); waits at most {@code startTimeout} plus 10 s for each.
     */
    static List<ParameterServer> startAll(final int nodes, final Duration startTimeout,
        final IntFunction<ParameterServer> start) throws Exception
    {
        final ExecutorService starters = Executors.newFixedThreadPool(nodes, r -> new Thread(r, "bench-start"));
        try
        {
            final List<Future<ParameterServer>> started = new ArrayList<>();
            for (int rank = 0; rank < nodes; rank++)
            {
                final int r = rank;
                started.add(starters.submit(() -> start.apply(r)));
            }
            final List<ParameterServer> servers = new ArrayList<>();
            for (final Future<ParameterServer> future : started)
            {
                servers.add(future.get(startTimeout.toSeconds() + 10, TimeUnit.SECONDS));
            }
            return servers;
        }
        finally
        {
            starters.shutdownNow();
        }
    }

    /** Closes every node at once, as the nodes of a cluster leave together; then waits for their threads. */
    static void closeAll(final List<ParameterServer> servers) throws Exception
    {
        final ExecutorService closers = Executors.newFixedThreadPool(servers.size(),
            r -> new Thread(r, "bench-close"));
        try
        {
            final List<Future<?>> closed = new ArrayList<>();
            for (final ParameterServer server : servers)
            {
                closed.add(closers.submit(server::close));
            }
            for (final Future<?> future : closed)
            {
                future.get(CLOSE_SECONDS, TimeUnit.SECONDS);
            }
        }
        finally
        {
            closers.shutdownNow();
        }
        TransportRoundTripBenchmark.awaitThreadsGone("nups-");
    }
}
