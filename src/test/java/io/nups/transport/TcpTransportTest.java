package io.nups.transport;

import io.nups.store.Slab;
import org.junit.jupiter.api.Test;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpTransportTest extends TransportConformanceTest
{
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    @Override
    List<Transport> startCluster(final int n, final List<NodeUnderTest> nodes, final int slabBytes)
    {
        final List<TcpTransport> transports = new ArrayList<>();
        final List<InetSocketAddress> addresses = new ArrayList<>();
        final List<RegionDescriptor> regions = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final TcpTransport t = new TcpTransport(i, n, LOOPBACK_ANY_PORT, TcpOptions.DEFAULT.withMaxFrameLength(1 << 20));
            final NodeUnderTest node = nodes.get(i);
            node.transport = t;
            node.slab = Slab.allocate(10 + i, slabBytes);
            regions.add(t.register(node.slab));
            t.messageHandler(recorder(node));
            t.failureHandler((peer, reason) -> node.lost.add(reason));
            transports.add(t);
            addresses.add(t.listenAddress());
        }
        for (final TcpTransport t : transports)
        {
            t.peerAddresses(addresses);
        }
        return startAll(transports, regions);
    }

    @Test
    void unreachablePeerFailsStartWithItsAddress() throws IOException
    {
        final int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            deadPort = probe.getLocalPort();
        }
        try (TcpTransport t = new TcpTransport(1, 2, LOOPBACK_ANY_PORT,
            TcpOptions.DEFAULT.withConnectTimeout(Duration.ofMillis(500))))
        {
            t.peerAddresses(List.of(new InetSocketAddress("127.0.0.1", deadPort), t.listenAddress()));
            t.messageHandler((from, b, o, l) -> { });
            t.failureHandler((peer, reason) -> { });
            final TransportException ex = assertThrows(TransportException.class, t::start);
            assertTrue(ex.getMessage().contains("cannot reach node 0 at /127.0.0.1:" + deadPort), ex.getMessage());
        }
    }

    @Test
    void peerThatClosesWithoutGoodbyeIsReportedLost() throws Exception
    {
        final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        try (TcpTransport t = new TcpTransport(0, 2, LOOPBACK_ANY_PORT, TcpOptions.DEFAULT))
        {
            t.peerAddresses(List.of(t.listenAddress(), new InetSocketAddress("127.0.0.1", 1)));
            t.messageHandler((from, b, o, l) -> { });
            t.failureHandler((peer, reason) -> lost.add(peer + ": " + reason));
            final Thread starter = new Thread(t::start, "start-0");
            starter.start();
            final Socket fake = new Socket("127.0.0.1", t.listenAddress().getPort());
            fake.getOutputStream().write(hello(1, 2));
            starter.join(TimeUnit.SECONDS.toMillis(10));
            fake.close();
            awaitCount(lost, 1, "lost peers");
            assertTrue(lost.peek().startsWith("1: node 1 ("), lost.peek());
            assertTrue(lost.peek().contains("closed the connection"), lost.peek());
        }
        assertNoTransportThreadsLeft();
    }

    @Test
    void oversizedFrameFromAPeerIsRejectedBeforeItsBody() throws Exception
    {
        final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        try (TcpTransport t = new TcpTransport(0, 2, LOOPBACK_ANY_PORT, TcpOptions.DEFAULT.withMaxFrameLength(8192)))
        {
            t.peerAddresses(List.of(t.listenAddress(), new InetSocketAddress("127.0.0.1", 1)));
            t.messageHandler((from, b, o, l) -> { });
            t.failureHandler((peer, reason) -> lost.add(reason));
            final Thread starter = new Thread(t::start, "start-0");
            starter.start();
            try (Socket fake = new Socket("127.0.0.1", t.listenAddress().getPort()))
            {
                final OutputStream out = fake.getOutputStream();
                out.write(hello(1, 2));
                starter.join(TimeUnit.SECONDS.toMillis(10));
                final DataOutputStream data = new DataOutputStream(out);
                data.writeInt(Integer.reverseBytes(1 << 30));
                data.writeInt(Integer.reverseBytes(TcpFrameDescriptor.TYPE_MESSAGE));
                data.flush();
                awaitCount(lost, 1, "lost peers");
            }
            assertTrue(lost.peek().contains("sent a frame of 1073741824 bytes"), lost.peek());
        }
        assertNoTransportThreadsLeft();
    }

    private static byte[] hello(final int rank, final int nodes)
    {
        final ByteBuffer hello = ByteBuffer.allocate(TcpFrameDescriptor.HELLO_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        hello.putInt(TcpFrameDescriptor.HELLO_LENGTH).put(TcpFrameDescriptor.TYPE_HELLO).put(new byte[3])
            .putInt(TcpFrameDescriptor.HELLO_MAGIC).putInt(rank).putInt(nodes).putInt(TcpFrameDescriptor.PROTOCOL_VERSION);
        return hello.array();
    }
}
