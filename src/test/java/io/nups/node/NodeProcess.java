package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
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
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * One node in its own JVM, for multi-process tests: {@code NodeProcess rank tcp port0,port1,...} starts a node
 * over TCP on 127.0.0.1, {@code NodeProcess rank shm RUN_DIR NODES} over shared memory in RUN_DIR, with
 * relocation; prints {@code ready}, then pulls, pushes and localizes random keys for at most 60 s. With a last
 * argument {@value #REPLICATE}, keys 0..99 are replicated and synchronized back-to-back, every key sent every
 * round, and the node instead pushes to replicas and waits for replica sync, so that only the sync rounds
 * talk to the other nodes. Exits 0 after the run, 1 with the failure on stderr.
 */
public final class NodeProcess
{
    static final String REPLICATE = "replicate";
    private static final int KEYS = 1000;
    private static final int REPLICATED = 100;
    private static final Duration RUN = Duration.ofSeconds(60);

    private NodeProcess()
    {
    }

    public static void main(final String[] args)
    {
        final int rank = Integer.parseInt(args[0]);
        final boolean replicate = REPLICATE.equals(args[args.length - 1]);
        final Transport transport = "shm".equals(args[1]) ?
            new ShmTransport(rank, Integer.parseInt(args[3]), Path.of(args[2]),
                ShmOptions.DEFAULT.withStartTimeout(Duration.ofSeconds(30))) :
            tcp(rank, args[2]);
        NodeSettings settings = new NodeSettings(KeyLayout.uniform(KEYS, 8), 1, StoreOptions.DEFAULT, 16,
            Duration.ofSeconds(30), null, Duration.ofSeconds(1), true, null);
        if (replicate)
        {
            settings = settings.withReplication(ReplicationOptions.of(HotKeys.of(KEYS,
                IntStream.range(0, REPLICATED).toArray())).withSyncsPerSecond(0).withThreshold(-1));
        }
        try (Node node = new Node(settings, transport))
        {
            if (replicate)
            {
                node.waitReplicaSync(); // ready means rounds run
            }
            System.out.println("ready");
            System.out.flush();
            if (replicate)
            {
                pushReplicas(node, rank);
            }
            else
            {
                relocate(node, rank);
            }
        }
        catch (final RuntimeException ex)
        {
            System.err.println("node " + rank + " failed: " + ex.getMessage());
            System.exit(1);
        }
        System.exit(0);
    }

    private static void relocate(final Node node, final int rank)
    {
        final NodeWorker worker = node.worker(0);
        final SplittableRandom random = new SplittableRandom(rank);
        final float[] values = new float[16];
        Arrays.fill(values, 1f);
        final long end = System.nanoTime() + RUN.toNanos();
        while (System.nanoTime() < end)
        {
            final int[] keys = {random.nextInt(KEYS), random.nextInt(KEYS)};
            worker.localize(keys);
            worker.waitFor(worker.push(keys, values));
            worker.waitFor(worker.pull(keys, values));
        }
    }

    /** Replica pushes are local, so a failure shows in waitReplicaSync (or a round), not in the pushes. */
    private static void pushReplicas(final Node node, final int rank)
    {
        final NodeWorker worker = node.worker(0);
        final SplittableRandom random = new SplittableRandom(rank);
        final float[] values = new float[8];
        Arrays.fill(values, 1f);
        final long end = System.nanoTime() + RUN.toNanos();
        while (System.nanoTime() < end)
        {
            for (int i = 0; i < 100; i++)
            {
                worker.push(random.nextInt(REPLICATED), values);
            }
            node.waitReplicaSync();
        }
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
