package io.nups.transport;

import io.nups.store.Slab;
import io.nups.store.StoreOptions;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.nups.transport.TcpFrameDescriptor.*;

/**
 * Transport over java.nio TCP: one connection per pair of nodes (the higher rank connects to the lower),
 * TCP_NODELAY, length-prefixed frames ({@link TcpFrameDescriptor}). Senders append frames and flush on
 * their own thread; one named I/O thread reads, serves peers' one-sided requests straight from and into
 * the registered slabs, and finishes flushes the socket did not take at once.
 */
public final class TcpTransport implements Transport
{
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);

    private final int rank;
    private final int nodes;
    private final TcpOptions options;
    private final ServerSocketChannel server;
    private final TcpPeer[] peers;
    private final Int2ObjectHashMap<Slab> localRegions = new Int2ObjectHashMap<>();
    private final RemoteRegions remoteRegions;
    private final Long2ObjectHashMap<PendingOneSided> pending = new Long2ObjectHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final UnsafeBuffer ioView = new UnsafeBuffer(new byte[0]);
    private List<InetSocketAddress> addresses;
    private MessageHandler messageHandler;
    private PeerFailureHandler failureHandler;
    private Selector selector;
    private AgentRunner ioRunner;
    private volatile boolean closing;

    /** Binds the listening socket at once, so that a port of 0 resolves before peers are told. */
    public TcpTransport(final int rank, final int nodes, final InetSocketAddress listen, final TcpOptions options)
    {
        if (nodes < 1 || rank < 0 || rank >= nodes)
        {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + nodes + ")");
        }
        this.rank = rank;
        this.nodes = nodes;
        this.options = options;
        this.peers = new TcpPeer[nodes];
        this.remoteRegions = new RemoteRegions(rank, nodes);
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen, nodes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("node " + rank + " cannot listen on " + listen + ": " + ex.getMessage(), ex);
        }
    }

    /** Where this node listens (with the port resolved if 0 was asked for). */
    public InetSocketAddress listenAddress()
    {
        try
        {
            return (InetSocketAddress)server.getLocalAddress();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Every node's listening address, indexed by rank. Set before {@link #start()}. */
    public void peerAddresses(final List<InetSocketAddress> addresses)
    {
        if (addresses.size() != nodes)
        {
            throw new IllegalArgumentException("expected " + nodes + " node addresses, got " + addresses.size());
        }
        this.addresses = List.copyOf(addresses);
    }

    @Override
    public int rank()
    {
        return rank;
    }

    @Override
    public int nodes()
    {
        return nodes;
    }

    @Override
    public String name()
    {
        return "tcp";
    }

    /** The I/O thread serves one-sided requests from any registered memory, anonymous or mapped. */
    @Override
    public StoreOptions slabOptions(final StoreOptions requested)
    {
        return requested;
    }

    @Override
    public int maxMessageLength()
    {
        return options.maxFrameLength() - REQUEST_DATA_OFFSET;
    }

    @Override
    public synchronized RegionDescriptor register(final Slab slab)
    {
        if (localRegions.containsKey(slab.id()))
        {
            throw new IllegalStateException("region " + slab.id() + " is already registered on node " + rank);
        }
        localRegions.put(slab.id(), slab);
        return new RegionDescriptor(rank, slab.id(), slab.address(), slab.length(), 0);
    }

    @Override
    public void addRemoteRegions(final List<RegionDescriptor> regions)
    {
        remoteRegions.add(regions);
    }

    @Override
    public void messageHandler(final MessageHandler handler)
    {
        this.messageHandler = handler;
    }

    @Override
    public void failureHandler(final PeerFailureHandler handler)
    {
        this.failureHandler = handler;
    }

    @Override
    public void start()
    {
        if (addresses == null || messageHandler == null || failureHandler == null)
        {
            throw new IllegalStateException("set peer addresses, message handler and failure handler before start");
        }
        final long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        try
        {
            for (int peer = 0; peer < rank; peer++)
            {
                connect(peer, deadline);
            }
            accept(deadline);
            selector = Selector.open();
            for (final TcpPeer peer : peers)
            {
                if (peer != null)
                {
                    peer.channel.configureBlocking(false);
                    peer.attach(peer.channel.register(selector, SelectionKey.OP_READ, peer));
                }
            }
        }
        catch (final IOException ex)
        {
            close();
            throw new TransportException("node " + rank + " could not set up connections: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
        ioRunner = new AgentRunner(new NoOpIdleStrategy(), this::onIoError, null, new TcpIoAgent(this));
        AgentRunner.startOnThread(ioRunner, runnable ->
        {
            final Thread thread = new Thread(runnable, "nups-tcp-io-r" + rank);
            thread.setDaemon(true);
            return thread;
        });
    }

    private void connect(final int peer, final long deadline) throws IOException
    {
        final InetSocketAddress address = addresses.get(peer);
        IOException last = null;
        long backoffMillis = 10;
        while (System.nanoTime() < deadline)
        {
            final SocketChannel channel = SocketChannel.open();
            try
            {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.connect(address);
                awaitOp(channel, SelectionKey.OP_CONNECT, deadline, "connect to node " + peer + " at " + address);
                channel.finishConnect();
                final ByteBuffer hello = ByteBuffer.allocate(HELLO_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                hello.putInt(LENGTH_OFFSET, HELLO_LENGTH).put(TYPE_OFFSET, TYPE_HELLO)
                    .putInt(HELLO_MAGIC_OFFSET, HELLO_MAGIC).putInt(HELLO_RANK_OFFSET, rank)
                    .putInt(HELLO_NODES_OFFSET, nodes).putInt(HELLO_VERSION_OFFSET, PROTOCOL_VERSION);
                while (hello.hasRemaining())
                {
                    if (channel.write(hello) == 0)
                    {
                        awaitOp(channel, SelectionKey.OP_WRITE, deadline, "greet node " + peer + " at " + address);
                    }
                }
                peers[peer] = newPeer(peer, address.toString(), channel);
                return;
            }
            catch (final IOException ex)
            {
                last = ex;
                channel.close();
                TransportSupport.sleepQuietly(backoffMillis, "interrupted while connecting");
                backoffMillis = Math.min(500, backoffMillis * 2);
            }
        }
        throw new TransportException("node " + rank + " cannot reach node " + peer + " at " + address + " within " +
            options.connectTimeout().toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    private void accept(final long deadline) throws IOException
    {
        server.configureBlocking(false);
        try (Selector acceptor = Selector.open())
        {
            server.register(acceptor, SelectionKey.OP_ACCEPT);
            int expected = nodes - 1 - rank;
            while (expected > 0)
            {
                final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0)
                {
                    final StringBuilder missing = new StringBuilder();
                    for (int peer = rank + 1; peer < nodes; peer++)
                    {
                        if (peers[peer] == null)
                        {
                            missing.append(missing.length() == 0 ? "" : ", ").append("node ").append(peer)
                                .append(" (").append(addresses.get(peer)).append(')');
                        }
                    }
                    throw new TransportException("node " + rank + ": " + missing + " did not connect within " +
                        options.connectTimeout().toSeconds() + " s");
                }
                acceptor.select(left);
                acceptor.selectedKeys().clear();
                SocketChannel channel;
                while ((channel = server.accept()) != null)
                {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    final int peer = readHello(channel, deadline);
                    peers[peer] = newPeer(peer, String.valueOf(channel.getRemoteAddress()), channel);
                    expected--;
                }
            }
        }
    }

    private int readHello(final SocketChannel channel, final long deadline) throws IOException
    {
        final ByteBuffer hello = ByteBuffer.allocate(HELLO_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        final String from = String.valueOf(channel.getRemoteAddress());
        while (hello.hasRemaining())
        {
            final int read = channel.read(hello);
            if (read < 0)
            {
                throw new TransportException("node " + rank + ": connection from " + from + " closed during hello");
            }
            if (read == 0)
            {
                awaitOp(channel, SelectionKey.OP_READ, deadline, "read hello from " + from);
            }
        }
        final int magic = hello.getInt(HELLO_MAGIC_OFFSET);
        final int peer = hello.getInt(HELLO_RANK_OFFSET);
        final int peerNodes = hello.getInt(HELLO_NODES_OFFSET);
        final int version = hello.getInt(HELLO_VERSION_OFFSET);
        if (hello.getInt(LENGTH_OFFSET) != HELLO_LENGTH || hello.get(TYPE_OFFSET) != TYPE_HELLO || magic != HELLO_MAGIC)
        {
            throw new TransportException("node " + rank + ": " + from + " is not a nups node (bad hello)");
        }
        if (version != PROTOCOL_VERSION || peerNodes != nodes)
        {
            throw new TransportException("node " + rank + ": " + from + " runs protocol " + version + " with " +
                peerNodes + " nodes; this node runs protocol " + PROTOCOL_VERSION + " with " + nodes + " nodes");
        }
        if (peer <= rank || peer >= nodes || peers[peer] != null)
        {
            throw new TransportException("node " + rank + ": " + from + " claims rank " + peer +
                ", which is not an unconnected rank in (" + rank + ", " + nodes + ")");
        }
        return peer;
    }

    private static void awaitOp(final SocketChannel channel, final int op, final long deadline, final String what)
        throws IOException
    {
        try (Selector waiter = Selector.open())
        {
            channel.register(waiter, op);
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || waiter.select(left) == 0)
            {
                throw new IOException("timed out trying to " + what);
            }
        }
    }

    private TcpPeer newPeer(final int peer, final String address, final SocketChannel channel)
    {
        return new TcpPeer(peer, address, channel, options.maxFrameLength(), options.maxOutboxBytes(),
            options.sendTimeout().toNanos());
    }

    @Override
    public void send(final int peer, final DirectBuffer buffer, final int offset, final int length)
    {
        TransportSupport.checkMessageLength(peer, length, maxMessageLength());
        final TcpPeer target = peer(peer, "send");
        final int frameLength = HEADER_LENGTH + length;
        synchronized (target)
        {
            target.checkAlive();
            final long frame = target.beginFrame(frameLength, TYPE_MESSAGE);
            UnsafeApi.copyMemory(buffer.byteArray(), buffer.addressOffset() + offset, null, frame + HEADER_LENGTH, length);
            target.commit(frameLength);
        }
    }

    @Override
    public void read(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        final TcpPeer target = peer(peer, "read");
        remoteRegions.check(peer, regionId, offset, length, maxMessageLength(), "read");
        final long id = track(new PendingOneSided(peer, localAddress, length, token, completion, false));
        synchronized (target)
        {
            target.checkAlive();
            final ByteBuffer out = target.outbox();
            final long frame = target.beginFrame(READ_REQUEST_LENGTH, TYPE_READ_REQUEST);
            final int at = (int)(frame - BufferUtil.address(out));
            out.putLong(at + REQUEST_ID_OFFSET, id).putInt(at + REGION_OFFSET, regionId)
                .putInt(at + DATA_LENGTH_OFFSET, length).putLong(at + REMOTE_OFFSET_OFFSET, offset);
            target.commit(READ_REQUEST_LENGTH);
        }
    }

    @Override
    public void write(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        final TcpPeer target = peer(peer, "write");
        remoteRegions.check(peer, regionId, offset, length, maxMessageLength(), "write");
        final long id = track(new PendingOneSided(peer, localAddress, length, token, completion, true));
        final int frameLength = REQUEST_DATA_OFFSET + length;
        synchronized (target)
        {
            target.checkAlive();
            final ByteBuffer out = target.outbox();
            final long frame = target.beginFrame(frameLength, TYPE_WRITE_REQUEST);
            final int at = (int)(frame - BufferUtil.address(out));
            out.putLong(at + REQUEST_ID_OFFSET, id).putInt(at + REGION_OFFSET, regionId)
                .putInt(at + DATA_LENGTH_OFFSET, length).putLong(at + REMOTE_OFFSET_OFFSET, offset);
            UnsafeApi.copyMemory(localAddress, frame + REQUEST_DATA_OFFSET, length);
            target.commit(frameLength);
        }
    }

    private TcpPeer peer(final int peer, final String op)
    {
        if (peer < 0 || peer >= nodes || peer == rank)
        {
            throw new IllegalArgumentException(op + ": " + peer + " is not a peer of node " + rank);
        }
        final TcpPeer target = peers[peer];
        if (target == null || closing)
        {
            throw new TransportException(op + " to node " + peer + ": transport of node " + rank +
                (closing ? " is closed" : " is not started"));
        }
        return target;
    }

    private long track(final PendingOneSided op)
    {
        final long id = requestIds.incrementAndGet();
        synchronized (pending)
        {
            pending.put(id, op);
        }
        return id;
    }

    private PendingOneSided untrack(final long id)
    {
        synchronized (pending)
        {
            return pending.remove(id);
        }
    }

    // ---- I/O thread ----

    Selector selector()
    {
        return selector;
    }

    boolean isClosing()
    {
        return closing;
    }

    /** Reads what a peer sent and handles every whole frame. */
    void onReadable(final TcpPeer peer)
    {
        final ByteBuffer inbox = peer.inbox();
        final int read;
        try
        {
            read = peer.channel.read(inbox);
        }
        catch (final IOException ex)
        {
            lose(peer, "connection failed: " + ex.getMessage());
            return;
        }
        if (read < 0)
        {
            if (!peer.saidGoodbye && !closing)
            {
                lose(peer, "closed the connection");
            }
            else if (!closing)
            {
                failureHandler.onPeerLeft(peer.rank, peer.name());
            }
            closeQuietly(peer);
            return;
        }
        int position = 0;
        int partialFrame = 0;
        final int end = inbox.position();
        while (end - position >= HEADER_LENGTH)
        {
            final int frameLength = inbox.getInt(position + LENGTH_OFFSET);
            if (frameLength < HEADER_LENGTH || frameLength > options.maxFrameLength())
            {
                lose(peer, "sent a frame of " + frameLength + " bytes; frames must be within [" + HEADER_LENGTH +
                    ", " + options.maxFrameLength() + "]");
                closeQuietly(peer);
                return;
            }
            if (end - position < frameLength)
            {
                partialFrame = frameLength;
                break;
            }
            if (!onFrame(peer, inbox, position, frameLength))
            {
                closeQuietly(peer);
                return;
            }
            position += frameLength;
        }
        inbox.limit(end).position(position);
        inbox.compact();
        peer.growInbox(partialFrame);
    }

    private boolean onFrame(final TcpPeer peer, final ByteBuffer inbox, final int at, final int frameLength)
    {
        final long address = BufferUtil.address(inbox) + at;
        final byte type = inbox.get(at + TYPE_OFFSET);
        switch (type)
        {
            case TYPE_MESSAGE ->
            {
                ioView.wrap(address, frameLength);
                messageHandler.onMessage(peer.rank, ioView, HEADER_LENGTH, frameLength - HEADER_LENGTH);
            }
            case TYPE_READ_REQUEST -> serveRead(peer, inbox, at);
            case TYPE_WRITE_REQUEST -> serveWrite(peer, inbox, at, address, frameLength);
            case TYPE_READ_RESPONSE, TYPE_WRITE_RESPONSE -> complete(peer, inbox, at, address, frameLength);
            case TYPE_BYE -> peer.saidGoodbye = true;
            default ->
            {
                lose(peer, "sent a frame of unknown type " + type);
                return false;
            }
        }
        return true;
    }

    private void serveRead(final TcpPeer peer, final ByteBuffer inbox, final int at)
    {
        final long id = inbox.getLong(at + REQUEST_ID_OFFSET);
        final int length = inbox.getInt(at + DATA_LENGTH_OFFSET);
        final long source = localAddress(inbox.getInt(at + REGION_OFFSET), inbox.getLong(at + REMOTE_OFFSET_OFFSET),
            length);
        final int status = source < 0 ? (int)-source : STATUS_OK;
        final int dataLength = status == STATUS_OK ? length : 0;
        final int frameLength = RESPONSE_DATA_OFFSET + dataLength;
        synchronized (peer)
        {
            if (peer.failure != null)
            {
                return;
            }
            final ByteBuffer out = peer.outbox();
            final long frame = peer.beginFrame(frameLength, TYPE_READ_RESPONSE);
            final int o = (int)(frame - BufferUtil.address(out));
            out.putLong(o + REQUEST_ID_OFFSET, id).putInt(o + STATUS_OFFSET, status).putInt(o + DATA_LENGTH_OFFSET, dataLength);
            if (dataLength > 0)
            {
                UnsafeApi.copyMemory(source, frame + RESPONSE_DATA_OFFSET, dataLength);
            }
            peer.commit(frameLength);
        }
    }

    private void serveWrite(final TcpPeer peer, final ByteBuffer inbox, final int at, final long address,
        final int frameLength)
    {
        final long id = inbox.getLong(at + REQUEST_ID_OFFSET);
        final int length = inbox.getInt(at + DATA_LENGTH_OFFSET);
        final long target = length == frameLength - REQUEST_DATA_OFFSET ?
            localAddress(inbox.getInt(at + REGION_OFFSET), inbox.getLong(at + REMOTE_OFFSET_OFFSET), length) :
            -STATUS_OUT_OF_BOUNDS;
        final int status = target < 0 ? (int)-target : STATUS_OK;
        if (status == STATUS_OK)
        {
            UnsafeApi.copyMemory(address + REQUEST_DATA_OFFSET, target, length);
        }
        synchronized (peer)
        {
            if (peer.failure != null)
            {
                return;
            }
            final ByteBuffer out = peer.outbox();
            final long frame = peer.beginFrame(WRITE_RESPONSE_LENGTH, TYPE_WRITE_RESPONSE);
            final int o = (int)(frame - BufferUtil.address(out));
            out.putLong(o + REQUEST_ID_OFFSET, id).putInt(o + STATUS_OFFSET, status).putInt(o + DATA_LENGTH_OFFSET, 0);
            peer.commit(WRITE_RESPONSE_LENGTH);
        }
    }

    /** Address of {@code [offset, offset + length)} of a local region, or a negated status. */
    private long localAddress(final int regionId, final long offset, final int length)
    {
        final Slab slab;
        synchronized (this)
        {
            slab = localRegions.get(regionId);
        }
        if (slab == null)
        {
            return -STATUS_BAD_REGION;
        }
        if (offset < 0 || length < 0 || offset + length > slab.length())
        {
            return -STATUS_OUT_OF_BOUNDS;
        }
        return slab.address() + offset;
    }

    private void complete(final TcpPeer peer, final ByteBuffer inbox, final int at, final long address,
        final int frameLength)
    {
        final long id = inbox.getLong(at + REQUEST_ID_OFFSET);
        final PendingOneSided op = untrack(id);
        if (op == null || op.peer != peer.rank)
        {
            lose(peer, "answered unknown one-sided request " + id);
            return;
        }
        final int status = inbox.getInt(at + STATUS_OFFSET);
        final String what = (op.write ? "write" : "read") + " of " + op.length + " bytes at node " + peer.rank;
        if (status != STATUS_OK)
        {
            op.completion.onComplete(op.token, new TransportException("one-sided " + what + " refused: " +
                statusText(status)));
            return;
        }
        if (!op.write)
        {
            final int dataLength = inbox.getInt(at + DATA_LENGTH_OFFSET);
            if (dataLength != op.length || frameLength != RESPONSE_DATA_OFFSET + dataLength)
            {
                lose(peer, "answered a " + what + " with " + dataLength + " bytes");
                return;
            }
            UnsafeApi.copyMemory(address + RESPONSE_DATA_OFFSET, op.localAddress, dataLength);
        }
        op.completion.onComplete(op.token, null);
    }

    void onIoError(final Throwable error)
    {
        LOG.error("node {}: tcp I/O thread failed", rank, error);
        for (final TcpPeer peer : peers)
        {
            if (peer != null && peer.failure == null)
            {
                lose(peer, "I/O thread failed: " + error);
            }
        }
    }

    /** Marks the peer lost, fails its one-sided operations and tells the failure handler once. */
    void lose(final TcpPeer peer, final String reason)
    {
        synchronized (peer)
        {
            if (peer.failure != null)
            {
                return;
            }
            peer.failure = reason;
            peer.notifyAll();
        }
        final List<PendingOneSided> failed = new ArrayList<>();
        synchronized (pending)
        {
            pending.entrySet().removeIf(e ->
            {
                if (e.getValue().peer == peer.rank)
                {
                    failed.add(e.getValue());
                    return true;
                }
                return false;
            });
        }
        for (final PendingOneSided op : failed)
        {
            op.completion.onComplete(op.token, new TransportException("one-sided " + (op.write ? "write" : "read") +
                " at " + peer.name() + " failed: peer lost (" + reason + ")"));
        }
        if (!closing)
        {
            LOG.error("node {}: lost {}: {}", rank, peer.name(), reason);
            failureHandler.onPeerLost(peer.rank, peer.name() + " " + reason);
        }
    }

    private static void closeQuietly(final TcpPeer peer)
    {
        try
        {
            peer.channel.close();
        }
        catch (final IOException ignore)
        {
            // closing after failure: nothing more to report
        }
    }

    /** Says goodbye to every peer, flushes (bounded), stops the I/O thread and frees buffers. */
    @Override
    public void close()
    {
        if (closing)
        {
            return;
        }
        final long deadline = System.nanoTime() + options.sendTimeout().toNanos();
        for (final TcpPeer peer : peers)
        {
            if (peer != null && peer.failure == null)
            {
                synchronized (peer)
                {
                    try
                    {
                        peer.beginFrame(HEADER_LENGTH, TYPE_BYE);
                        peer.commit(HEADER_LENGTH);
                    }
                    catch (final TransportException ex)
                    {
                        LOG.warn("node {}: could not say goodbye to {}: {}", rank, peer.name(), ex.getMessage());
                    }
                }
            }
        }
        for (final TcpPeer peer : peers)
        {
            while (peer != null && peer.failure == null && peer.hasQueuedBytes() && System.nanoTime() < deadline &&
                ioRunner != null)
            {
                TransportSupport.sleepQuietly(1, "interrupted while connecting");
            }
        }
        closing = true;
        if (ioRunner != null)
        {
            selector.wakeup();
            ioRunner.close(1000, thread -> LOG.warn("node {}: {} did not stop in time", rank, thread.getName()));
        }
        for (final TcpPeer peer : peers)
        {
            if (peer != null)
            {
                closeQuietly(peer);
            }
        }
        try
        {
            server.close();
            if (selector != null)
            {
                selector.close();
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("node {}: closing sockets: {}", rank, ex.getMessage());
        }
        final List<PendingOneSided> failed;
        synchronized (pending)
        {
            failed = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (final PendingOneSided op : failed)
        {
            op.completion.onComplete(op.token, new TransportException("one-sided operation at node " + op.peer +
                " abandoned: transport of node " + rank + " closed"));
        }
        for (final TcpPeer peer : peers)
        {
            if (peer != null)
            {
                peer.free();
            }
        }
    }

    /** A one-sided operation waiting for its peer's answer. */
    private record PendingOneSided(
        int peer, long localAddress, int length, long token, OneSidedCompletion completion, boolean write)
    {
    }
}
