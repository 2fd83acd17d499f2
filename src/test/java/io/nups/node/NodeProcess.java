package io.nups.node;

import io.nups.store.KeyLayout;
import io.nups.store.StoreOptions;
import io.nups.transport.TcpOptions;
import io.nups.transport.TcpTransport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node in its own JVM, for multi-process tests: {@code NodeProcess rank port0,port1,...} starts a node
 * over TCP on 127.0.0.1 with relocation, prints {@code ready}, then pulls, pushes and localizes random
 * keys for at most 60 s. Exits 0 after the run, 1 with the failure on stderr.
 */
public final class NodeProcess
{
    private NodeProcess()
    {
    }

    public static void main(final String[] args)
    {
        final int rank = Integer.parseInt(args[0]);
        final List<InetSocketAddress> addresses = new ArrayList<>();
        for (final String port : args[1].split(","))
        {
            addresses.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(port)));
        }
        final int n = addresses.size();
        final TcpTransport transport = new TcpTransport(rank, n, addresses.get(rank),
            TcpOptions.DEFAULT.withConnectTimeout(Duration.ofSeconds(30)));
        transport.peerAddresses(addresses);
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
}
