package io.nups.node;

import io.nups.store.KeyLayout;
import io.nups.store.StoreOptions;
import io.nups.transport.ShmOptions;
import io.nups.transport.ShmTransport;
import io.nups.transport.TcpOptions;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;
import io.nups.transport.rdma.RdmaSelfTestHost;
import io.nups.transport.rdma.RdmaTransport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Several nodes of one cluster in this JVM, over real TCP (loopback) or shared-memory transports, or over real RDMA
 * on the interface scripts/rdma-selftest names (skipped elsewhere, see {@link RdmaSelfTestHost}).
 */
final class LocalCluster implements AutoCloseable
{
    enum Kind
    {
        TCP, SHM, RDMA
    }

    private final List<Node> nodes = new ArrayList<>();

    LocalCluster(final Kind kind, final int n, final KeyLayout layout, final int threads, final boolean relocation,
        final Long permutationSeed, final Path runDirectory)
    {
        this(kind, n, layout, threads, relocation, permutationSeed, runDirectory, UnaryOperator.identity());
    }

    /** As above, with every node's transport passed through {@code wrap} (e.g. a fault-injecting decorator). */
    LocalCluster(final Kind kind, final int n, final KeyLayout layout, final int threads, final boolean relocation,
        final Long permutationSeed, final Path runDirectory, final UnaryOperator<Transport> wrap)
    {
        this(kind, n, layout, threads, relocation, permutationSeed, runDirectory, wrap, UnaryOperator.identity());
    }

    /** As above, with the nodes' settings passed through {@code configure} (e.g. to switch options). */
    LocalCluster(final Kind kind, final int n, final KeyLayout layout, final int threads, final boolean relocation,
        final Long permutationSeed, final Path runDirectory, final UnaryOperator<Transport> wrap,
        final UnaryOperator<NodeSettings> configure)
    {
        this(kind, n, layout, threads, relocation, permutationSeed, runDirectory, wrap,
            (rank, settings) -> configure.apply(settings));
    }

    /** As above, with each node's settings passed through {@code configureByRank} with its rank. */
    LocalCluster(final Kind kind, final int n, final KeyLayout layout, final int threads, final boolean relocation,
        final Long permutationSeed, final Path runDirectory, final UnaryOperator<Transport> wrap,
        final RankConfiguration configureByRank)
    {
        final List<Transport> transports = new ArrayList<>();
        final List<InetSocketAddress> addresses = new ArrayList<>();
        if (kind == Kind.RDMA)
        {
            RdmaSelfTestHost.assumeRunnable();
        }
        final int rdmaBase = kind == Kind.RDMA ? RdmaSelfTestHost.nextBasePort() : 0;
        for (int i = 0; i < n; i++)
        {
            if (kind == Kind.RDMA)
            {
                addresses.add(RdmaSelfTestHost.address(rdmaBase, i));
                transports.add(new RdmaTransport(i, n, addresses.get(i), RdmaSelfTestHost.options()));
            }
            else if (kind == Kind.TCP)
            {
                final TcpTransport tcp = new TcpTransport(i, n, new InetSocketAddress("127.0.0.1", 0),
                    TcpOptions.DEFAULT.withConnectTimeout(Duration.ofSeconds(20)));
                addresses.add(tcp.listenAddress());
                transports.add(tcp);
            }
            else
            {
                transports.add(new ShmTransport(i, n, runDirectory, ShmOptions.DEFAULT.withRingCapacity(1 << 22)
                    .withStartTimeout(Duration.ofSeconds(20))));
            }
        }
        if (kind == Kind.TCP)
        {
            transports.forEach(t -> ((TcpTransport)t).peerAddresses(addresses));
        }
        if (kind == Kind.RDMA)
        {
            transports.forEach(t -> ((RdmaTransport)t).peerAddresses(addresses));
        }
        final NodeSettings settings = new NodeSettings(layout, threads, StoreOptions.DEFAULT, 16,
            Duration.ofSeconds(30), null, Duration.ofSeconds(1), relocation, permutationSeed);
        final ExecutorService starters = Executors.newFixedThreadPool(n);
        try
        {
            final List<Future<Node>> started = new ArrayList<>();
            for (int rank = 0; rank < n; rank++)
            {
                final Transport wrapped = wrap.apply(transports.get(rank));
                final NodeSettings own = configureByRank.configure(rank, settings);
                started.add(starters.submit(() -> new Node(own, wrapped)));
            }
            for (final Future<Node> future : started)
            {
                nodes.add(future.get(60, TimeUnit.SECONDS));
            }
        }
        catch (final Exception ex)
        {
            close();
            throw new IllegalStateException("cluster did not start", ex);
        }
        finally
        {
            starters.shutdownNow();
        }
    }

    Node node(final int rank)
    {
        return nodes.get(rank);
    }

    int size()
    {
        return nodes.size();
    }

    /** Runs {@code body(node, worker)} on every worker thread of every node; rethrows the first failure. */
    void runOnAllWorkers(final WorkerBody body) throws Exception
    {
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (final Node node : nodes)
        {
            for (int w = 0; w < node.settings().threads(); w++)
            {
                final NodeWorker worker = node.worker(w);
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        body.run(node, worker);
                    }
                    catch (final Throwable ex)
                    {
                        failures.add(ex);
                    }
                }, "test-r" + node.rank() + "-w" + w);
                thread.start();
                threads.add(thread);
            }
        }
        for (final Thread thread : threads)
        {
            thread.join(TimeUnit.SECONDS.toMillis(120));
            if (thread.isAlive())
            {
                throw new AssertionError(thread.getName() + " still running after 120 s");
            }
        }
        if (!failures.isEmpty())
        {
            final AssertionError error = new AssertionError("a worker failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    /** The settings of node {@code rank}, from the cluster's common ones. */
    @FunctionalInterface
    interface RankConfiguration
    {
        NodeSettings configure(int rank, NodeSettings settings);
    }

    @FunctionalInterface
    interface WorkerBody
    {
        void run(Node node, NodeWorker worker) throws Exception;
    }

    /** Closes all nodes at once, as separate processes would: each leaves through the cluster barrier. */
    @Override
    public void close()
    {
        final List<Thread> closers = new ArrayList<>();
        for (final Node node : nodes)
        {
            final Thread closer = new Thread(node::close, "close-r" + node.rank());
            closer.start();
            closers.add(closer);
        }
        for (final Thread closer : closers)
        {
            try
            {
                closer.join(TimeUnit.SECONDS.toMillis(60));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
