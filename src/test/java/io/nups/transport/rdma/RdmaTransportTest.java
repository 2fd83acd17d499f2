package io.nups.transport.rdma;

import com.ibm.disni.verbs.IbvWC;
import io.nups.store.Slab;
import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.TransportException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The RDMA transport's own logic over the verbs double ({@link VerbsFabric}), not over RDMA: credits and backlog,
 * fragments, completion dispatch and the message of every failed completion, the READ that confirms a write,
 * descriptors and rkeys, staging, addresses DiSNI refuses, loss and departure.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RdmaTransportTest
{
    private final VerbsFabric fabric = new VerbsFabric();
    private final List<Node> nodes = new ArrayList<>();

    /** One transport with what it received and reported. */
    private static final class Node
    {
        RdmaTransport transport;
        Slab slab;
        final ConcurrentLinkedQueue<byte[]> messages = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> left = new ConcurrentLinkedQueue<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
    }

    private List<Node> cluster(final int n, final RdmaOptions options)
    {
        final List<RegionDescriptor> regions = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final Node node = new Node();
            node.transport = fabric.transport(i, n, options);
            node.slab = Slab.allocate(10 + i, 1 << 20);
            regions.add(node.transport.register(node.slab));
            node.transport.messageHandler((from, buffer, offset, length) ->
            {
                final byte[] copy = new byte[length];
                buffer.getBytes(offset, copy);
                node.messages.add(copy);
                try
                {
                    node.gate.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            node.transport.failureHandler(new io.nups.transport.PeerFailureHandler()
            {
                @Override
                public void onPeerLost(final int peer, final String reason)
                {
                    node.lost.add(peer + ": " + reason);
                }

                @Override
                public void onPeerLeft(final int peer, final String who)
                {
                    node.left.add(peer + ": " + who);
                }
            });
            nodes.add(node);
        }
        final List<Thread> starters = new ArrayList<>();
        for (final Node node : nodes)
        {
            node.transport.addRemoteRegions(regions.stream().filter(r -> r.node() != node.transport.rank()).toList());
            final Thread starter = new Thread(node.transport::start, "start-" + node.transport.rank());
            starter.start();
            starters.add(starter);
        }
        for (final Thread starter : starters)
        {
            join(starter);
        }
        return nodes;
    }

    @AfterEach
    void close() throws InterruptedException
    {
        nodes.forEach(node -> node.gate.countDown());
        for (final Node node : nodes)
        {
            node.transport.close();
            node.slab.close();
        }
        fabric.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("nups-rdma")))
        {
            assertTrue(System.nanoTime() < deadline, "rdma poller threads left running");
            Thread.sleep(5);
        }
    }

    @Test
    void senderQueuesWhenCreditsRunOutAndResumesWithoutEverMissingAReceive()
    {
        final List<Node> cluster = cluster(2, VerbsFabric.smallOptions());
        cluster.get(1).gate = new CountDownLatch(1);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        for (int i = 0; i < 50; i++)
        {
            buffer.putInt(0, i);
            cluster.get(0).transport.send(1, buffer, 0, 8);
        }
        // Node 1's poller is held in its handler: it reposts nothing, so node 0 runs out of credits and queues.
        awaitTrue(() -> cluster.get(0).transport.backlogBytes(1) > 0, "a backlog at node 0");
        assertTrue(cluster.get(0).transport.sendCredits(1) <= RdmaPeer.MESSAGE_RESERVE,
            "credits left: " + cluster.get(0).transport.sendCredits(1));
        awaitTrue(() -> cluster.get(1).messages.size() == 1, "the message node 1's handler holds");
        assertEquals(1, cluster.get(1).messages.size(), "node 1's poller is held: nothing more arrives");
        cluster.get(1).gate.countDown();
        awaitTrue(() -> cluster.get(1).messages.size() == 50, "50 messages at node 1");
        int expected = 0;
        for (final byte[] message : cluster.get(1).messages)
        {
            assertEquals(expected++, new UnsafeBuffer(message).getInt(0), "order");
        }
        assertEquals(0, cluster.get(0).transport.backlogBytes(1));
        assertEquals(0, fabric.receiverNotReady(), "a SEND found no posted receive");
    }

    @Test
    void senderWaitsBoundedWhenTheBacklogIsFullAndNamesThePeer()
    {
        final RdmaOptions options = VerbsFabric.smallOptions().withLimits(4096, 1 << 20, 8192)
            .withSendTimeout(Duration.ofSeconds(1));
        final List<Node> cluster = cluster(2, options);
        cluster.get(1).gate = new CountDownLatch(1);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final TransportException ex = assertThrows(TransportException.class, () ->
        {
            for (int i = 0; i < 100; i++)
            {
                cluster.get(0).transport.send(1, buffer, 0, 4096);
            }
        });
        assertTrue(ex.getMessage().startsWith("send to node 1 (" + where(fabric.address(1)) + ") timed out after 1 s"),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("wait for credits"), ex.getMessage());
        cluster.get(1).gate.countDown();
        assertEquals(0, fabric.receiverNotReady());
    }

    @Test
    void messagesOfEveryLengthAroundFragmentBoundariesArriveWhole()
    {
        final RdmaOptions options = VerbsFabric.smallOptions();
        final List<Node> cluster = cluster(2, options);
        final int fragment = options.fragmentBytes();
        final int[] lengths = {0, 1, fragment - 1, fragment, fragment + 1, 3 * fragment + 5, options.maxMessageLength()};
        for (final int length : lengths)
        {
            final byte[] payload = new byte[length];
            for (int i = 0; i < length; i++)
            {
                payload[i] = (byte)(i * 31 + length);
            }
            cluster.get(1).transport.send(0, new UnsafeBuffer(payload), 0, length);
        }
        awaitTrue(() -> cluster.get(0).messages.size() == lengths.length, "all messages");
        int i = 0;
        for (final byte[] message : cluster.get(0).messages)
        {
            final byte[] expected = new byte[lengths[i++]];
            for (int b = 0; b < expected.length; b++)
            {
                expected[b] = (byte)(b * 31 + expected.length);
            }
            assertArrayEquals(expected, message, "message of " + expected.length + " bytes");
        }
        assertEquals(0, fabric.receiverNotReady());
    }

    @ParameterizedTest(name = "{0} failing with {1}")
    @CsvSource({
        "READ, 12, rdma READ from node 1, IBV_WC_RETRY_EXC_ERR",
        "READ, 10, rdma READ from node 1, IBV_WC_REM_ACCESS_ERR",
        "WRITE, 10, rdma WRITE to node 1, IBV_WC_REM_ACCESS_ERR",
        "WRITE, 20, rdma WRITE to node 1, IBV_WC_RESP_TIMEOUT_ERR",
        "SEND, 12, rdma SEND to node 1, IBV_WC_RETRY_EXC_ERR",
        "SEND, 13, rdma SEND to node 1, IBV_WC_RNR_RETRY_EXC_ERR",
        "RECV, 1, rdma RECV from node 0, IBV_WC_LOC_LEN_ERR"})
    void everyFailedCompletionNamesTheOperationThePeerAndTheStatus(final String op, final int status,
        final String operation, final String statusName)
    {
        final List<Node> cluster = cluster(2, VerbsFabric.smallOptions());
        final boolean receive = op.equals("RECV");
        final int opcode = switch (op)
        {
            case "READ" -> Verbs.OPCODE_RDMA_READ;
            case "WRITE" -> Verbs.OPCODE_RDMA_WRITE;
            case "SEND" -> Verbs.OPCODE_SEND;
            default -> Verbs.OPCODE_RECV;
        };
        fabric.device(receive ? 1 : 0).inject(opcode, status);
        final String failed = receive ? 0 + "" : 1 + "";
        final String expected = operation + " (" + where(fabric.address(Integer.parseInt(failed))) + ") failed: " +
            statusName;
        if (op.equals("READ") || op.equals("WRITE"))
        {
            final AtomicReference<TransportException> error = new AtomicReference<>();
            final CountDownLatch done = new CountDownLatch(1);
            try (Slab local = Slab.allocate(99, 4096))
            {
                final int region = cluster.get(1).slab.id();
                if (op.equals("READ"))
                {
                    cluster.get(0).transport.read(1, region, 64, 128, local.address(), 5, (t, e) -> complete(error, e, done));
                }
                else
                {
                    cluster.get(0).transport.write(1, region, 64, 128, local.address(), 5, (t, e) -> complete(error, e, done));
                }
                await(done);
            }
            assertEquals(expected, error.get().getMessage());
        }
        else
        {
            cluster.get(0).transport.send(1, new UnsafeBuffer(new byte[16]), 0, 16);
        }
        // A failed completion ends a reliable connection: the peer is reported lost with the same words.
        final Node observer = cluster.get(receive ? 1 : 0);
        awaitTrue(() -> !observer.lost.isEmpty(), "a lost peer");
        assertEquals(failed.equals("1") ? "1: " + expected : "0: " + expected, observer.lost.peek());
        final TransportException after = assertThrows(TransportException.class,
            () -> observer.transport.send(receive ? 0 : 1, new UnsafeBuffer(new byte[8]), 0, 8));
        assertTrue(after.getMessage().contains("the connection failed: " + expected), after.getMessage());
    }

    @Test
    void aWriteCompletesOnlyAfterTheReadThatConfirmsIt()
    {
        final List<Node> cluster = cluster(2, VerbsFabric.smallOptions());
        final Slab remote = cluster.get(1).slab;
        try (Slab local = Slab.allocate(98, 4096))
        {
            local.buffer().putLong(0, 0x1234_5678_9abcL);
            final AtomicReference<Object> seen = new AtomicReference<>();
            final CountDownLatch done = new CountDownLatch(1);
            fabric.delay(2000);
            cluster.get(0).transport.write(1, remote.id(), 512, 8, local.address(), 1, (token, error) ->
            {
                seen.set(error != null ? error : List.copyOf(fabric.device(0).oneSidedExecuted));
                done.countDown();
            });
            await(done);
            fabric.delay(0);
            assertEquals(List.of(Verbs.OPCODE_RDMA_WRITE, Verbs.OPCODE_RDMA_READ), seen.get(),
                "the completion must come after the WRITE and the READ that follows it");
            assertEquals(0x1234_5678_9abcL, remote.buffer().getLong(512));

            fabric.device(0).inject(Verbs.OPCODE_RDMA_READ, WcStatus.RETRY_EXC_ERR);
            final AtomicReference<TransportException> error = new AtomicReference<>();
            final CountDownLatch failed = new CountDownLatch(1);
            cluster.get(0).transport.write(1, remote.id(), 1024, 8, local.address(), 2, (t, e) -> complete(error, e, failed));
            await(failed);
            assertEquals("rdma WRITE to node 1 (" + where(fabric.address(1)) + ") failed: IBV_WC_RETRY_EXC_ERR (on the " +
                "READ that confirms it)", error.get().getMessage());
        }
    }

    @Test
    void descriptorsCarryTheRkeyAndAWrongKeyOrUnknownRegionIsRefused()
    {
        final List<Node> cluster = cluster(2, VerbsFabric.smallOptions());
        final Slab slab = cluster.get(1).slab;
        final int rkey = fabric.device(1).rkeyAt(slab.address());
        try (Slab probe = Slab.allocate(77, 4096))
        {
            final RegionDescriptor descriptor = cluster.get(1).transport.register(probe);
            assertEquals(fabric.device(1).rkeyAt(probe.address()), descriptor.remoteKey(), "the rkey, not the lkey");
            assertNotEquals(-1, rkey);
            cluster.get(0).transport.addRemoteRegions(List.of(new RegionDescriptor(1, 500, slab.address(),
                slab.length(), rkey + 1)));
            final AtomicReference<TransportException> error = new AtomicReference<>();
            final CountDownLatch done = new CountDownLatch(1);
            cluster.get(0).transport.read(1, 500, 0, 64, probe.address(), 0, (t, e) -> complete(error, e, done));
            await(done);
            assertEquals("rdma READ from node 1 (" + where(fabric.address(1)) + ") failed: IBV_WC_REM_ACCESS_ERR",
                error.get().getMessage());
            final TransportException unknown = assertThrows(TransportException.class,
                () -> cluster.get(0).transport.read(1, 12345, 0, 8, probe.address(), 0, (t, e) -> { }));
            assertTrue(unknown.getMessage().contains("region 12345 is not known"), unknown.getMessage());
        }
    }

    @Test
    void readsBeyondTheStagingAreaWaitForChunksAndAllComplete() throws Exception
    {
        final List<Node> cluster = cluster(2, VerbsFabric.smallOptions());
        final Slab remote = cluster.get(1).slab;
        for (int i = 0; i < remote.length(); i += 8)
        {
            remote.buffer().putLong(i, i * 7L);
        }
        final int reads = 40;
        final int bytes = 64 * 1024; // 40 x 64 KiB > the 1 MiB staging area
        try (Slab local = Slab.allocate(97, reads * bytes))
        {
            final CountDownLatch done = new CountDownLatch(reads);
            final ConcurrentLinkedQueue<Object> errors = new ConcurrentLinkedQueue<>();
            for (int r = 0; r < reads; r++)
            {
                cluster.get(0).transport.read(1, remote.id(), (long)(r % 16) * bytes, bytes, local.address() +
                    (long)r * bytes, r, (t, e) ->
                {
                    if (e != null)
                    {
                        errors.add(e);
                    }
                    done.countDown();
                });
            }
            await(done);
            assertEquals(List.of(), List.copyOf(errors));
            for (int r = 0; r < reads; r++)
            {
                for (int i = 0; i < bytes; i += 4096)
                {
                    assertEquals(((long)(r % 16) * bytes + i) * 7L, local.buffer().getLong(r * bytes + i));
                }
            }
        }
    }

    @Test
    void aCrashedPeerIsLostAndAClosedOneHasLeft()
    {
        final List<Node> cluster = cluster(3, VerbsFabric.smallOptions());
        fabric.device(2).crash();
        awaitTrue(() -> !cluster.get(0).lost.isEmpty(), "node 0 to lose node 2");
        assertEquals("2: rdma RECV from node 2 (" + where(fabric.address(2)) + ") failed: IBV_WC_WR_FLUSH_ERR " +
            "(disconnected without goodbye)", cluster.get(0).lost.peek());
        nodes.get(1).transport.close();
        awaitTrue(() -> !cluster.get(0).left.isEmpty(), "node 0 to see node 1 leave");
        assertEquals("1: node 1 (" + where(fabric.address(1)) + ")", cluster.get(0).left.peek());
        assertEquals(1, cluster.get(0).lost.size());
    }

    @Test
    void loopbackWildcardAndIpv6AddressesAreRefusedNamingTheNode()
    {
        final RdmaTransport.VerbsOpener never = (listen, s, r, q) ->
        {
            throw new AssertionError("opened verbs for a refused address");
        };
        final IllegalArgumentException loopback = assertThrows(IllegalArgumentException.class, () ->
            new RdmaTransport(0, 2, new InetSocketAddress("127.0.0.1", 7000), RdmaOptions.DEFAULT, never));
        assertTrue(loopback.getMessage().startsWith("rdma: node 0's address 127.0.0.1:7000 is a loopback address, " +
            "which DiSNI endpoints refuse: give each node its RDMA interface's IPv4 address"), loopback.getMessage());
        final RdmaTransport t = fabric.transport(0, 2, VerbsFabric.smallOptions());
        try
        {
            final IllegalArgumentException peer = assertThrows(IllegalArgumentException.class, () ->
                t.peerAddresses(List.of(fabric.address(0), new InetSocketAddress("127.0.1.1", 7001))));
            assertTrue(peer.getMessage().startsWith("rdma: node 1's address 127.0.1.1:7001 is a loopback"),
                peer.getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> t.peerAddresses(List.of(fabric.address(0),
                new InetSocketAddress("0.0.0.0", 7001)))).getMessage().contains("is the wildcard address"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> t.peerAddresses(List.of(fabric.address(0),
                new InetSocketAddress("2001:db8::1", 7001)))).getMessage().contains("is not IPv4"));
        }
        finally
        {
            t.close();
        }
    }

    @Test
    void withoutLibdisniOpeningDisniVerbsFailsNamingTheAddressAndTheDoctor()
    {
        final Check library = RdmaProbe.status().checks().stream().filter(c -> c.name().equals(RdmaProbe.LIBRARY))
            .findFirst().orElseThrow();
        assumeTrue(library.level() == RdmaStatus.Level.FAIL, "libdisni loads here: DisniVerbs would open a device");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            // the second attempt meets DiSNI's classes already failed to initialise, and must say the same
            final TransportException ex = assertThrows(TransportException.class, () ->
                new RdmaTransport(0, 2, new InetSocketAddress("10.0.0.1", 7000), RdmaOptions.DEFAULT));
            assertTrue(ex.getMessage().startsWith("node 0 cannot open RDMA at 10.0.0.1:7000: libdisni is not " +
                "loadable: "), ex.getMessage());
            assertTrue(ex.getMessage().endsWith("(check with nups doctor)"), ex.getMessage());
        }
    }

    @Test
    void statusNamesFollowDisnisEnumeration()
    {
        final String[] disni = Arrays.stream(IbvWC.IbvWcStatus.values()).map(Enum::name).toArray(String[]::new);
        assertArrayEquals(disni, WcStatus.NAMES);
        assertEquals("IBV_WC_REM_ACCESS_ERR", WcStatus.name(WcStatus.REM_ACCESS_ERR));
        assertEquals("ibv_wc_status 99", WcStatus.name(99));
    }

    @Test
    void workRequestIdsRoundTrip()
    {
        final long id = WorkRequests.id(WorkRequests.CONFIRM, 65535, -2);
        assertEquals(WorkRequests.CONFIRM, WorkRequests.kind(id));
        assertEquals(65535, WorkRequests.connection(id));
        assertEquals(-2, WorkRequests.index(id));
    }

    private static void complete(final AtomicReference<TransportException> error, final TransportException e,
        final CountDownLatch done)
    {
        error.set(e);
        done.countDown();
    }

    private static String where(final InetSocketAddress address)
    {
        return address.getHostString() + ":" + address.getPort();
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            assertTrue(latch.await(20, TimeUnit.SECONDS), "timed out");
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.onSpinWait();
        }
    }
}
