package io.nups.transport;

import io.nups.store.Slab;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link Transport} meets, written once; each implementation's test extends this
 * class and says how to start a cluster of it in this JVM.
 */
abstract class TransportConformanceTest
{
    /** What a node of the test cluster received, and its registered slab. */
    static final class NodeUnderTest
    {
        final ConcurrentLinkedQueue<long[]> messages = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        Transport transport;
        Slab slab;
    }

    private final List<NodeUnderTest> cluster = new ArrayList<>();

    /**
     * Starts {@code n} transports: each registers one slab of {@code slabBytes}, records messages (first
     * two longs of each payload plus its length) and peer losses into its {@link NodeUnderTest}, learns
     * its peers' regions, and is started.
     */
    abstract List<Transport> startCluster(int n, List<NodeUnderTest> nodes, int slabBytes);

    List<NodeUnderTest> cluster(final int n, final int slabBytes)
    {
        for (int i = 0; i < n; i++)
        {
            cluster.add(new NodeUnderTest());
        }
        startCluster(n, cluster, slabBytes);
        return cluster;
    }

    /**
     * Gives every transport the other nodes' regions and starts them all at once (start returns only when
     * every peer is reachable), bounded.
     */
    static <T extends Transport> List<Transport> startAll(final List<T> transports, final List<RegionDescriptor> regions)
    {
        final List<Thread> starters = new ArrayList<>();
        for (final T t : transports)
        {
            t.addRemoteRegions(regions.stream().filter(r -> r.node() != t.rank()).toList());
            final Thread starter = new Thread(t::start, "start-" + t.rank());
            starter.start();
            starters.add(starter);
        }
        for (final Thread starter : starters)
        {
            try
            {
                starter.join(TimeUnit.SECONDS.toMillis(30));
            }
            catch (final InterruptedException ex)
            {
                throw new AssertionError(ex);
            }
        }
        return new ArrayList<>(transports);
    }

    static MessageHandler recorder(final NodeUnderTest node)
    {
        return (from, buffer, offset, length) ->
            node.messages.add(new long[]{from, length, length >= 8 ? buffer.getLong(offset) : -1,
                length >= 16 ? buffer.getLong(offset + 8) : -1});
    }

    @AfterEach
    void closeCluster()
    {
        for (final NodeUnderTest node : cluster)
        {
            if (node.transport != null)
            {
                node.transport.close();
            }
            if (node.slab != null)
            {
                node.slab.close();
            }
        }
        for (final NodeUnderTest node : cluster)
        {
            assertTrue(node.lost.isEmpty(), "a clean close reported a lost peer: " + node.lost);
        }
        assertNoTransportThreadsLeft();
    }

    static void assertNoTransportThreadsLeft()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline)
        {
            if (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("nups-")))
            {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("transport threads left running: " + Thread.getAllStackTraces().keySet().stream()
            .map(Thread::getName).filter(n -> n.startsWith("nups-")).toList());
    }

    static void awaitCount(final java.util.Collection<?> items, final int count, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (items.size() < count)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + count + " " + what + ", have " + items.size());
            }
            Thread.yield();
        }
    }

    @Test
    void messagesArriveInOrderPerSenderFromEveryPeer() throws Exception
    {
        final int n = 3;
        final int perPeer = 2000;
        final List<NodeUnderTest> nodes = cluster(n, 4096);
        final Thread[] senders = new Thread[n];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < n; i++)
        {
            final int me = i;
            senders[i] = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
                    for (int seq = 0; seq < perPeer; seq++)
                    {
                        for (int peer = 0; peer < n; peer++)
                        {
                            if (peer != me)
                            {
                                buffer.putLong(0, seq);
                                buffer.putLong(8, me * 1000L + peer);
                                nodes.get(me).transport.send(peer, buffer, 0, 16 + (seq % 48));
                            }
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            }, "conformance-sender-" + i);
            senders[i].start();
        }
        for (final Thread sender : senders)
        {
            sender.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertNull(failure.get());
        for (int i = 0; i < n; i++)
        {
            final NodeUnderTest node = nodes.get(i);
            awaitCount(node.messages, perPeer * (n - 1), "messages at node " + i);
            final long[] next = new long[n];
            for (final long[] m : node.messages)
            {
                final int from = (int)m[0];
                assertEquals(next[from], m[2], "message from node " + from + " out of order at node " + i);
                assertEquals(16 + (next[from] % 48), m[1], "payload length");
                assertEquals(from * 1000L + i, m[3], "payload body");
                next[from]++;
            }
        }
    }

    @Test
    void messageLargerThanTheLimitIsRefusedBeforeSending()
    {
        final List<NodeUnderTest> nodes = cluster(2, 4096);
        final Transport t = nodes.get(0).transport;
        final int limit = t.maxMessageLength();
        final UnsafeBuffer big = new UnsafeBuffer(new byte[limit + 1]);
        big.putLong(0, 77);
        final TransportException ex = assertThrows(TransportException.class, () -> t.send(1, big, 0, limit + 1));
        assertTrue(ex.getMessage().contains("exceeds the limit"), ex.getMessage());
        t.send(1, big, 0, limit);
        awaitCount(nodes.get(1).messages, 1, "messages");
        assertEquals(limit, nodes.get(1).messages.peek()[1]);
        assertEquals(77, nodes.get(1).messages.peek()[2]);
    }

    @Test
    void oneSidedReadCopiesAPeersRegisteredBytes() throws Exception
    {
        final List<NodeUnderTest> nodes = cluster(2, 8192);
        final Slab remote = nodes.get(1).slab;
        for (int i = 0; i < 8192; i += 8)
        {
            remote.buffer().putLong(i, i * 31L);
        }
        final Slab local = Slab.allocate(99, 8192);
        try
        {
            final CountDownLatch done = new CountDownLatch(1);
            final AtomicReference<Object> result = new AtomicReference<>();
            nodes.get(0).transport.read(1, remote.id(), 4096, 1024, local.address() + 64, 42,
                (token, error) ->
                {
                    result.set(error != null ? error : token);
                    done.countDown();
                });
            assertTrue(done.await(10, TimeUnit.SECONDS), "read never completed");
            assertEquals(42L, result.get());
            for (int i = 0; i < 1024; i += 8)
            {
                assertEquals((4096 + i) * 31L, UnsafeApi.getLong(local.address() + 64 + i));
            }
        }
        finally
        {
            local.close();
        }
    }

    @Test
    void oneSidedWriteHasLandedWhenItCompletes() throws Exception
    {
        final List<NodeUnderTest> nodes = cluster(2, 8192);
        final Slab remote = nodes.get(0).slab;
        final Slab local = Slab.allocate(98, 4096);
        try
        {
            for (int i = 0; i < 512; i += 4)
            {
                local.buffer().putInt(i, i + 5);
            }
            final CountDownLatch done = new CountDownLatch(1);
            final AtomicReference<Object> seen = new AtomicReference<>();
            nodes.get(1).transport.write(0, remote.id(), 1024, 512, local.address(), 7, (token, error) ->
            {
                seen.set(error != null ? error : remote.buffer().getInt(1024 + 508));
                done.countDown();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS), "write never completed");
            assertEquals(508 + 5, seen.get(), "remote memory must hold the data when the write completes");
            for (int i = 0; i < 512; i += 4)
            {
                assertEquals(i + 5, remote.buffer().getInt(1024 + i));
            }
        }
        finally
        {
            local.close();
        }
    }

    @Test
    void oneSidedAccessOutsideARegionIsRefusedWithItsPlace()
    {
        final List<NodeUnderTest> nodes = cluster(2, 4096);
        final Transport t = nodes.get(0).transport;
        final OneSidedCompletion ignore = (token, error) -> { };
        final int region = nodes.get(1).slab.id();
        assertTrue(assertThrows(TransportException.class, () -> t.read(1, region, 4000, 200, 0, 0, ignore))
            .getMessage().contains("outside region " + region));
        assertTrue(assertThrows(TransportException.class, () -> t.write(1, 12345, 0, 8, 0, 0, ignore))
            .getMessage().contains("region 12345 is not known"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> t.read(0, region, 0, 8, 0, 0, ignore))
            .getMessage().contains("not a peer"));
    }
}
