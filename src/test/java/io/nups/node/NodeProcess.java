package io.nups.node;

import io.nups.store.KeyLayout;
import io.nups.store.StoreOptions;
import io.nups.transport.ShmOptions;
import io.nups.transport.ShmTransport;
import io.nups.transport.TcpOptions;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node in its own JVM, for multi-process tests: {@code NodeProcess rank tcp port0,port1,...} starts a node
 * over TCP on 127.0.0.1, {@code NodeProcess rank shm RUN_DIR NODES} over shared memory in RUN_DIR, with
 * relocation; prints {@code ready}, then pulls, pushes and localizes random keys for at most 60 s. Exits 0
 * after the run, 1 with the failure on stderr.
 */
public final class NodeProcess
{
    private NodeProcess()
    {
    }

    public static void main(final String[] args)
    {
        final int rank = Integer.parseInt(args[0]);
        final Transport transport = "shm".equals(args[1]) ?
            new ShmTransport(rank, Integer.parseInt(args[3]), Path.of(args[2]),
                ShmOptions.DEFAULT.withStartTimeout(Duration.ofSeconds(30))) :
            tcp(rank, args[2]);
        final NodeSettings settings = new NodeSettings(KeyLayout.uniform(1000, 8), 1, StoreOptions.DEFAULT, 16,
            Duration.ofSeconds(30), null, Duration.ofSeconds(1), true, null);
        try (Node node = new Node(settings, transport))
        {
            System.out.println("ready");
            System.out.flush();
            final NodeWorker worker = node.worker(0);
            final java.util.SplittableRandom random = new java.util.SplittableRandom(rank);
            final float[] values = new float[16];
            Arrays.fill(values, 1f);
            final long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < end)
            {
                final int[] keys = {random.nextInt(1000), random.nextInt(1000)};
                worker.localize(keys);
                worker.waitFor(worker.push(keys, values));
                worker.waitFor(worker.pull(keys, values));
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("node " + rank + " failed: " + ex.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static TcpTransport tcp(final int rank, final String ports)
    {
        final List<InetSocketAddress> addresses = new ArrayList<>();
        for (final String port : ports.split(","))
        {
            addresses.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)));
        }
        final TcpTransport transport = new TcpTransport(rank, addresses.size(), addresses.get(rank),
            TcpOptions.DEFAULT.withConnectTimeout(Duration.ofSeconds(30)));
        transport.peerAddresses(addresses);
        return transport;
    }
}
