package io.nups.cluster;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RendezvousTest
{
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SHORT = Duration.ofSeconds(1);

    private final ExecutorService nodes = Executors.newCachedThreadPool(runnable ->
    {
        final Thread thread = new Thread(runnable, "rendezvous-test-node");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void noThreadIsLeft() throws InterruptedException
    {
        nodes.shutdownNow();
        assertTrue(nodes.awaitTermination(10, TimeUnit.SECONDS), "a node thread is still running");
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            assertFalse(thread.getName().equals(RendezvousCoordinator.THREAD_NAME) && thread.isAlive(),
                "the coordinator thread outlived its rendezvous");
        }
    }

    @Test
    void singleNodeJoinsAlone()
    {
        final ClusterTable table = Rendezvous.join(ClusterConfig.single(), data(0), TIMEOUT);
        assertEquals(1, table.size());
        assertEquals(0, table.rank());
        assertEquals(data(0), table.self().data());
        assertEquals(NodeAddress.localHostId(), table.self().hostId());
        assertEquals(8, table.runId().length(), table.runId());

        final ClusterTable explicit = Rendezvous.join(ClusterConfig.explicit(0, 1, LOOPBACK + ":" + freePort(), 0),
            data(0), TIMEOUT);
        assertEquals(1, explicit.size());
        assertFalse(explicit.runId().equals(table.runId()), "every run gets its own id");
    }

    @Test
    void threeAndFourNodesAgreeOnTableAndRunId() throws Exception
    {
        for (final int size : new int[]{3, 4})
        {
            final String coordinator = LOOPBACK + ":" + freePort();
            final List<Future<ClusterTable>> joins = new ArrayList<>();
            for (int rank = size - 1; rank >= 0; rank--) // rank 0 last: the others retry until it listens
            {
                joins.add(join(ClusterConfig.explicit(rank, size, coordinator, 0), TIMEOUT));
            }
            final List<ClusterTable> tables = new ArrayList<>();
            for (final Future<ClusterTable> join : joins)
            {
                tables.add(join.get(30, TimeUnit.SECONDS));
            }
            final ClusterTable rank0 = tables.get(size - 1);
            assertEquals(0, rank0.rank());
            for (int i = 0; i < size; i++)
            {
                final ClusterTable table = tables.get(size - 1 - i);
                assertEquals(i, table.rank());
                assertEquals(rank0.runId(), table.runId());
                assertEquals(rank0.nodes(), table.nodes());
                assertEquals(data(i), table.self().data());
                assertTrue(table.sameHost((i + 1) % size), "all nodes of this test run on one machine");
            }
        }
    }

    @Test
    void wildcardDataAddressesAreAnnouncedByAReachableHost(@TempDir final Path dir) throws Exception
    {
        final String coordinator = LOOPBACK + ":" + freePort();
        final Future<ClusterTable> rank1 = nodes.submit(() ->
            Rendezvous.join(ClusterConfig.explicit(1, 2, coordinator, 0), new InetSocketAddress(20_001), TIMEOUT));
        final ClusterTable rank0 =
            Rendezvous.join(ClusterConfig.explicit(0, 2, coordinator, 0), new InetSocketAddress(20_000), TIMEOUT);
        assertEquals(List.of(data(0), data(1)), addresses(rank0), "rank 0: the coordinator's host; rank 1: the " +
            "address it reached the coordinator from");
        assertEquals(rank0.nodes(), rank1.get(10, TimeUnit.SECONDS).nodes());

        final int base = freePort();
        final Path hosts = Files.write(dir.resolve("hosts"), List.of("127.0.0.1:21000", "localhost:21001"));
        final Future<ClusterTable> line1 = nodes.submit(() -> Rendezvous.join(
            ClusterConfig.fromHostfile(hosts, OptionalInt.of(1), base), new InetSocketAddress(21_001), TIMEOUT));
        final ClusterTable line0 = Rendezvous.join(
            ClusterConfig.fromHostfile(hosts, OptionalInt.of(0), base), new InetSocketAddress(21_000), TIMEOUT);
        assertEquals("127.0.0.1", line0.nodes().get(0).data().getHostString());
        assertEquals("localhost", line0.nodes().get(1).data().getHostString(), "the hostfile's name for rank 1");
        assertEquals(line0.runId(), line1.get(10, TimeUnit.SECONDS).runId());
    }

    @Test
    void hostsDifferWhenTheirIdsDo()
    {
        final ClusterTable table = new ClusterTable("r", 1, List.of(
            new NodeAddress(data(0), "a/boot1"),
            new NodeAddress(data(1), "a/boot2"),
            new NodeAddress(data(2), "a/boot2")));
        assertFalse(table.sameHost(0));
        assertTrue(table.sameHost(2));
        assertTrue(table.sameHost(1));
        assertThrows(IllegalArgumentException.class, () -> new ClusterTable("r", 3, table.nodes()));
    }

    @Test
    void duplicateRankFailsEveryNodeNamingBothSides() throws Exception
    {
        final String coordinator = LOOPBACK + ":" + freePort();
        final Future<ClusterTable> rank0 = join(ClusterConfig.explicit(0, 3, coordinator, 0), TIMEOUT);
        final Future<ClusterTable> first = join(ClusterConfig.explicit(1, 3, coordinator, 0), TIMEOUT);
        final Future<ClusterTable> second = join(ClusterConfig.explicit(1, 3, coordinator, 0), TIMEOUT);
        for (final Future<ClusterTable> node : List.of(rank0, first, second))
        {
            final String message = failure(node);
            assertTrue(message.contains("rank 1 joined twice: from /127.0.0.1:") &&
                message.contains(" and from /127.0.0.1:"), message);
            assertTrue(message.contains("failed to join at coordinator " + coordinator), message);
        }
    }

    @Test
    void mismatchedNodeCountFailsNamingBothCounts() throws Exception
    {
        final String coordinator = LOOPBACK + ":" + freePort();
        final Future<ClusterTable> rank0 = join(ClusterConfig.explicit(0, 3, coordinator, 0), TIMEOUT);
        final Future<ClusterTable> rank1 = join(ClusterConfig.explicit(1, 2, coordinator, 0), TIMEOUT);
        for (final Future<ClusterTable> node : List.of(rank0, rank1))
        {
            final String message = failure(node);
            assertTrue(message.contains("rank 1 at /127.0.0.1:") && message.contains("expects 2 nodes, but the " +
                "coordinator (rank 0, at /127.0.0.1:"), message);
            assertTrue(message.endsWith("expects 3"), message);
        }
    }

    @Test
    void missingRanksTimeOutNamingThem() throws Exception
    {
        final String coordinator = LOOPBACK + ":" + freePort();
        final long start = System.nanoTime();
        final Future<ClusterTable> rank0 = join(ClusterConfig.explicit(0, 4, coordinator, 0), SHORT);
        final Future<ClusterTable> rank2 = join(ClusterConfig.explicit(2, 4, coordinator, 0), SHORT);
        for (final Future<ClusterTable> node : List.of(rank0, rank2))
        {
            final String message = failure(node);
            assertTrue(message.contains("ranks 1, 3 of 4 did not join within 1 s"), message);
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the timeout is not bounded");
    }

    @Test
    void unreachableCoordinatorIsNamed()
    {
        final String coordinator = LOOPBACK + ":" + freePort();
        final long start = System.nanoTime();
        final ClusterException ex = assertThrows(ClusterException.class,
            () -> Rendezvous.join(ClusterConfig.explicit(1, 2, coordinator, 0), data(1), SHORT));
        assertTrue(ex.getMessage().startsWith("rank 1 could not reach coordinator " + coordinator + " within 1 s " +
            "(last error: "), ex.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "the timeout is not bounded");
    }

    @Test
    void strayClientsAreRejectedAndTheRendezvousGoesOn() throws Exception
    {
        final int port = freePort();
        final String coordinator = LOOPBACK + ":" + port;
        final Future<ClusterTable> rank0 = join(ClusterConfig.explicit(0, 2, coordinator, 0), TIMEOUT);
        try (Socket idle = connect(port);
             Socket http = connect(port);
             Socket huge = connect(port))
        {
            final String request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
            http.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            assertClosedByPeer(http);

            // a well-formed header announcing a 1 GiB HELLO: refused before anything is allocated
            final ByteBuffer header = RendezvousDescriptor.allocateHeader()
                .putInt(RendezvousDescriptor.MAGIC).putShort(RendezvousDescriptor.VERSION)
                .putShort(RendezvousDescriptor.TYPE_HELLO).putInt(1 << 30);
            huge.getOutputStream().write(header.array());
            assertClosedByPeer(huge);

            idle.getOutputStream().write(new byte[]{'N', 'U'}); // half a header, then silence
            final ClusterTable rank1 = Rendezvous.join(ClusterConfig.explicit(1, 2, coordinator, 0), data(1), TIMEOUT);
            assertEquals(2, rank1.size());
            assertEquals(rank1.nodes(), rank0.get(10, TimeUnit.SECONDS).nodes());
        }
    }

    @Test
    void framesRoundTripAndHeadersAreChecked()
    {
        final RendezvousCodec.Member member = new RendezvousCodec.Member("node01", 7301, "node01/boot");
        final ByteBuffer hello = RendezvousCodec.encodeHello(new RendezvousCodec.Hello(3, 4, member));
        assertEquals(null, RendezvousDescriptor.checkHeader(hello, 4, RendezvousDescriptor.TYPE_HELLO));
        final RendezvousCodec.Hello decoded = RendezvousCodec.decodeHello(body(hello));
        assertEquals(new RendezvousCodec.Hello(3, 4, member), decoded);

        final RendezvousCodec.Table table = new RendezvousCodec.Table("0a1b2c3d", List.of(member, member));
        final ByteBuffer tableFrame = RendezvousCodec.encodeTable(table);
        assertEquals(table, RendezvousCodec.decodeTable(body(tableFrame), 2));
        final IllegalArgumentException tooMany =
            assertThrows(IllegalArgumentException.class, () -> RendezvousCodec.decodeTable(body(tableFrame), 1));
        assertTrue(tooMany.getMessage().contains("TABLE frame of 2 nodes, expected 1 to 1"), tooMany.getMessage());
        assertTrue(RendezvousDescriptor.checkHeader(tableFrame, 4, RendezvousDescriptor.TYPE_HELLO)
            .contains("unexpected TABLE frame"));

        final String longMessage = "x".repeat(100_000);
        assertEquals(RendezvousDescriptor.MAX_MESSAGE_BYTES / 3,
            RendezvousCodec.decodeError(body(RendezvousCodec.encodeError(longMessage))).length());

        final ByteBuffer http = ByteBuffer.wrap("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII))
            .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("not a nups rendezvous frame (it starts with 'GET ')",
            RendezvousDescriptor.checkHeader(http, 4, RendezvousDescriptor.TYPE_HELLO));
        final ByteBuffer truncated = body(hello).limit(10);
        assertThrows(IllegalArgumentException.class, () -> RendezvousCodec.decodeHello(truncated));
    }

    private Future<ClusterTable> join(final ClusterConfig config, final Duration timeout)
    {
        return nodes.submit(() -> Rendezvous.join(config, data(config.rank()), timeout));
    }

    private static String failure(final Future<ClusterTable> node) throws InterruptedException, TimeoutException
    {
        try
        {
            final ClusterTable table = node.get(30, TimeUnit.SECONDS);
            return fail("joined although it should not: " + table);
        }
        catch (final ExecutionException ex)
        {
            assertInstanceOf(ClusterException.class, ex.getCause(), String.valueOf(ex.getCause()));
            return ex.getCause().getMessage();
        }
    }

    private static List<InetSocketAddress> addresses(final ClusterTable table)
    {
        final List<InetSocketAddress> addresses = new ArrayList<>();
        for (final NodeAddress node : table.nodes())
        {
            addresses.add(node.data());
        }
        return addresses;
    }

    /** A data address; the rendezvous only passes it on, so nothing needs to listen there. */
    private static InetSocketAddress data(final int rank)
    {
        return new InetSocketAddress(LOOPBACK, 20_000 + rank);
    }

    private static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Connects once the coordinator listens, retrying for a bounded time. */
    private static Socket connect(final int port) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            try
            {
                final Socket socket = new Socket(LOOPBACK, port);
                socket.setSoTimeout(10_000);
                return socket;
            }
            catch (final IOException ex)
            {
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(20);
            }
        }
    }

    private static void assertClosedByPeer(final Socket socket) throws IOException
    {
        final InputStream in = socket.getInputStream();
        try
        {
            assertEquals(-1, in.read(), "the coordinator should close a stray connection without answering");
        }
        catch (final SocketException reset)
        {
            // closed with part of the request unread: a reset, which is a close too
        }
    }

    private static ByteBuffer body(final ByteBuffer frame)
    {
        return frame.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(RendezvousDescriptor.HEADER_LENGTH).slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    }
}
