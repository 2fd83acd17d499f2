package io.nups.apps.task;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.cluster.ClusterConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

/**
 * Several nodes of one cluster in this JVM, started through the public API on 127.0.0.1, for tests of tasks:
 * each node runs {@code body} on its own named thread with its started server.
 */
public final class AppCluster
{
    /** What one node does with its started server. */
    @FunctionalInterface
    public interface NodeBody<T>
    {
        T run(ParameterServer ps) throws Exception;
    }

    /** What one node does with its builder (e.g. hand it to a runner that starts it). */
    @FunctionalInterface
    public interface BuilderBody<T>
    {
        T run(Nups.Builder builder) throws Exception;
    }

    /** What one worker thread does. */
    @FunctionalInterface
    public interface WorkerBody<T>
    {
        T run(Worker worker) throws Exception;
    }

    private AppCluster()
    {
    }

    /**
     * Starts {@code nodes} nodes over {@code transport}, each from {@code configure} applied to a builder that
     * already has the cluster, transport and start-up timeout set, runs {@code body} on each, closes them and
     * returns the results by rank. Fails with the first node's failure, or after {@code timeout}.
     */
    public static <T> List<T> run(final int nodes, final Nups.Transport transport,
        final UnaryOperator<Nups.Builder> configure, final NodeBody<T> body, final Duration timeout)
        throws Exception
    {
        return runBuilders(nodes, transport, configure, builder ->
        {
            try (ParameterServer ps = builder.start())
            {
                return body.run(ps);
            }
        }, timeout);
    }

    /** As {@link #run}, but each node's body gets its builder, not a started server. */
    public static <T> List<T> runBuilders(final int nodes, final Nups.Transport transport,
        final UnaryOperator<Nups.Builder> configure, final BuilderBody<T> body, final Duration timeout)
        throws Exception
    {
        final int port = freePort();
        final ExecutorService pool = Executors.newFixedThreadPool(nodes, runnable ->
        {
            final Thread thread = new Thread(runnable, "app-cluster-node");
            thread.setDaemon(true);
            return thread;
        });
        try
        {
            final List<Future<T>> futures = new ArrayList<>();
            for (int rank = 0; rank < nodes; rank++)
            {
                final Nups.Builder builder = configure.apply(Nups.builder()
                    .cluster(nodes == 1 ? ClusterConfig.single() :
                        ClusterConfig.explicit(rank, nodes, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                    .transport(transport).startupTimeout(Duration.ofSeconds(30)));
                futures.add(pool.submit(() -> body.run(builder)));
            }
            final long deadline = System.nanoTime() + timeout.toNanos();
            final List<T> results = new ArrayList<>();
            for (int rank = 0; rank < nodes; rank++)
            {
                try
                {
                    results.add(futures.get(rank).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                }
                catch (final ExecutionException ex)
                {
                    throw new AssertionError("node " + rank + " failed: " + ex.getCause(), ex.getCause());
                }
                catch (final TimeoutException ex)
                {
                    throw new AssertionError("node " + rank + " did not finish within " + timeout, ex);
                }
            }
            return results;
        }
        finally
        {
            pool.shutdownNow();
            if (!pool.awaitTermination(20, TimeUnit.SECONDS))
            {
                throw new AssertionError("cluster nodes did not stop within 20 s");
            }
        }
    }

    /**
     * Runs {@code body} on every worker of {@code ps}, one named thread each, and returns the results by worker
     * index; fails with the first worker's failure, or when a worker is still running after 60 s.
     */
    public static <T> List<T> onWorkers(final ParameterServer ps, final WorkerBody<T> body) throws Exception
    {
        final List<T> results = new ArrayList<>();
        final List<Throwable> failures = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < ps.threads(); w++)
        {
            results.add(null);
            final int index = w;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final T result = body.run(ps.worker(index));
                    synchronized (results)
                    {
                        results.set(index, result);
                    }
                }
                catch (final Throwable ex)
                {
                    synchronized (failures)
                    {
                        failures.add(ex);
                    }
                }
            }, "app-worker-r" + ps.rank() + "-" + w);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join(60_000);
            if (thread.isAlive())
            {
                throw new AssertionError(thread.getName() + " still running after 60 s");
            }
        }
        if (!failures.isEmpty())
        {
            throw new AssertionError("worker failed: " + failures.get(0), failures.get(0));
        }
        return results;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
