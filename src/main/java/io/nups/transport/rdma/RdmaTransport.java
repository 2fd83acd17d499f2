package io.nups.transport.rdma;

import io.nups.store.Slab;
import io.nups.store.StoreOptions;
import io.nups.transport.MessageHandler;
import io.nups.transport.OneSidedCompletion;
import io.nups.transport.PeerFailureHandler;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.RemoteRegions;
import io.nups.transport.Transport;
import io.nups.transport.TransportException;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nups.transport.rdma.RdmaFrame.*;

/**
 * Transport over RDMA verbs (InfiniBand or RoCE through DiSNI): one reliable connected queue pair per pair of
 * nodes (the higher rank connects to the lower, as for tcp), slabs registered once for remote read and write,
 * descriptors carrying the rkey.
 *
 * <ul>
 * <li>Messages: SEND into receives posted ahead, with credits ({@link RdmaPeer}); a message larger than a buffer
 *     goes in fragments; what credits do not allow yet waits in a per-peer backlog, so no thread, this transport's
 *     own included, ever blocks on a peer that is slow to return credits (other threads wait, bounded, once the
 *     backlog is full).</li>
 * <li>One-sided reads and writes: RDMA READ and WRITE through a staging area ({@link OneSidedOperations}); a write
 *     completes once a READ after it returned.</li>
 * <li>One named thread per node ({@code nups-rdma-poll-r<rank>}) polls the completion queue and dispatches by work
 *     request id; every failed completion fails its connection with a message naming the operation, the peer and
 *     the status, and the peer is reported lost (or as left, after its goodbye).</li>
 * </ul>
 */
public final class RdmaTransport implements Transport
{
    private static final Logger LOG = LoggerFactory.getLogger(RdmaTransport.class);
    /** One connection attempt; a peer not yet listening is tried again until the connect timeout. */
    private static final long ATTEMPT_MILLIS = 2000;

    /** Opens the verbs of a node (DiSNI's, or a test double). */
    @FunctionalInterface
    interface VerbsOpener
    {
        Verbs open(InetSocketAddress listen, int sendDepth, int receiveDepth, int completionQueueSize)
            throws IOException;
    }

    private final int rank;
    private final int nodes;
    private final RdmaOptions options;
    private final InetSocketAddress listen;
    private final Verbs verbs;
    private final RdmaPeer[] connections;
    private final RdmaPeer[] peers;
    private final Int2ObjectHashMap<Verbs.Region> localRegions = new Int2ObjectHashMap<>();
    private final RemoteRegions remoteRegions;
    private final OneSidedOperations oneSided;
    private final Verbs.CompletionHandler dispatch = this::onCompletion;
    private List<InetSocketAddress> addresses;
    private int connectionCount;
    private MessageHandler messageHandler;
    private PeerFailureHandler failureHandler;
    private AgentRunner poller;
    /** The thread that dispatches completions (start's, then the poller's): it never waits for credits. */
    private volatile Thread dispatcher;
    private volatile boolean started;
    private volatile boolean closing;
    private boolean closed;

    /**
     * Opens the RDMA device of {@code listen} (an IPoIB or RoCE interface's IPv4 address) and listens there.
     * Fails if DiSNI cannot: no libdisni, no device with that address, the port in use.
     */
    public RdmaTransport(final int rank, final int nodes, final InetSocketAddress listen, final RdmaOptions options)
    {
        this(rank, nodes, listen, options, DisniVerbs::open);
    }

    RdmaTransport(final int rank, final int nodes, final InetSocketAddress listen, final RdmaOptions options,
        final VerbsOpener opener)
    {
        if (nodes < 1 || rank < 0 || rank >= nodes)
        {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + nodes + ")");
        }
        this.rank = rank;
        this.nodes = nodes;
        this.options = options;
        this.listen = RdmaAddresses.check(rank, listen);
        this.connections = new RdmaPeer[Math.max(0, nodes - 1)];
        this.peers = new RdmaPeer[nodes];
        this.remoteRegions = new RemoteRegions(rank, nodes);
        final int sendDepth = options.receiveDepth() + 2 * options.stagingChunks();
        final int queueSize = Math.max(1, (nodes - 1) * (sendDepth + options.receiveDepth()));
        try
        {
            verbs = opener.open(listen, sendDepth, options.receiveDepth(), queueSize);
        }
        catch (final IOException ex)
        {
            throw new TransportException("node " + rank + " cannot open RDMA at " + where(listen) + ": " +
                ex.getMessage() + " (check with nups doctor)", ex);
        }
        try
        {
            oneSided = new OneSidedOperations(verbs, options.bufferBytes(), options.stagingChunks());
        }
        catch (final IOException ex)
        {
            verbs.close();
            throw registrationFailed("the staging area", options.stagingBytes(), ex);
        }
    }

    private static String where(final InetSocketAddress address)
    {
        return address.getHostString() + ":" + address.getPort();
    }

    private TransportException registrationFailed(final String what, final long bytes, final IOException ex)
    {
        return new TransportException("node " + rank + " cannot register " + what + " (" + bytes + " bytes) " +
            "with the RDMA device: " + ex.getMessage() + "; registration pins memory: check the locked-memory " +
            "limit (ulimit -l, nups doctor)", ex);
    }

    /**
     * Refuses addresses DiSNI cannot connect (not IPv4, loopback, wildcard, unresolved), naming the first node whose
     * address is one and what to give instead.
     */
    public static void checkAddresses(final List<InetSocketAddress> addresses)
    {
        for (int node = 0; node < addresses.size(); node++)
        {
            RdmaAddresses.check(node, addresses.get(node));
        }
    }

    /** Every node's RDMA address, indexed by rank (the cluster table's data addresses). Set before {@link #start}. */
    public void peerAddresses(final List<InetSocketAddress> addresses)
    {
        if (addresses.size() != nodes)
        {
            throw new IllegalArgumentException("expected " + nodes + " node addresses, got " + addresses.size());
        }
        checkAddresses(addresses);
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
        return "rdma";
    }

    @Override
    public int maxMessageLength()
    {
        return options.maxMessageLength();
    }

    /** Any memory can be registered. */
    @Override
    public StoreOptions slabOptions(final StoreOptions requested)
    {
        return requested;
    }

    @Override
    public synchronized RegionDescriptor register(final Slab slab)
    {
        if (localRegions.containsKey(slab.id()))
        {
            throw new IllegalStateException("region " + slab.id() + " is already registered on node " + rank);
        }
        final Verbs.Region region;
        try
        {
            region = verbs.register(slab.address(), slab.length(), Verbs.ACCESS_LOCAL_WRITE |
                Verbs.ACCESS_REMOTE_READ | Verbs.ACCESS_REMOTE_WRITE);
        }
        catch (final IOException ex)
        {
            throw registrationFailed("slab " + slab.id(), slab.length(), ex);
        }
        localRegions.put(slab.id(), region);
        // Peers present the rkey; the lkey is for this node's own scatter entries only.
        return new RegionDescriptor(rank, slab.id(), slab.address(), slab.length(), region.rkey());
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

    // ---- start ----

    @Override
    public void start()
    {
        if (addresses == null || messageHandler == null || failureHandler == null)
        {
            throw new IllegalStateException("set peer addresses, message handler and failure handler before start");
        }
        final long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        dispatcher = Thread.currentThread();
        try
        {
            for (int peer = 0; peer < rank; peer++)
            {
                connect(peer, deadline);
            }
            for (int accepted = 0; accepted < nodes - 1 - rank; accepted++)
            {
                accept(deadline);
            }
            awaitHellos(deadline);
        }
        catch (final IOException ex)
        {
            close();
            throw new TransportException("node " + rank + " could not set up RDMA connections: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
        started = true;
        poller = new AgentRunner(new BackoffIdleStrategy(100, 10, 1_000, 1_000_000), this::onPollerError, null,
            new Poller());
        AgentRunner.startOnThread(poller, runnable ->
        {
            final Thread thread = new Thread(runnable, "nups-rdma-poll-r" + rank);
            thread.setDaemon(true);
            dispatcher = thread;
            return thread;
        });
    }

    private String nodeName(final int node)
    {
        return "node " + node + " (" + where(addresses.get(node)) + ")";
    }

    private RdmaPeer newConnection(final String name) throws IOException
    {
        final RdmaPeer connection;
        try
        {
            connection = new RdmaPeer(connectionCount, options, verbs, name);
        }
        catch (final IOException ex)
        {
            throw registrationFailed("the buffers of " + name, 2L * options.receiveDepth() * options.bufferBytes(), ex);
        }
        connections[connectionCount++] = connection;
        return connection;
    }

    private void connect(final int peer, final long deadline) throws IOException
    {
        final InetSocketAddress address = addresses.get(peer);
        final RdmaPeer connection = newConnection(nodeName(peer));
        connection.rank = peer;
        peers[peer] = connection;
        IOException last = null;
        long backoffMillis = 10;
        while (System.nanoTime() < deadline)
        {
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try
            {
                verbs.connect(address, connection::attach, Math.max(1, Math.min(ATTEMPT_MILLIS, left)));
                connection.sendHello(rank, nodes);
                return;
            }
            catch (final IOException ex)
            {
                last = ex;
                sleep(backoffMillis);
                backoffMillis = Math.min(500, backoffMillis * 2);
            }
        }
        throw new TransportException("node " + rank + " cannot reach " + nodeName(peer) + " over RDMA within " +
            options.connectTimeout().toSeconds() + " s" + (last == null ? "" : ": " + last.getMessage()));
    }

    private void accept(final long deadline) throws IOException
    {
        final RdmaPeer connection = newConnection("a peer connecting to node " + rank + " at " + where(listen));
        final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || verbs.accept(connection::attach, left) == null)
        {
            throw new TransportException("node " + rank + ": " + missingPeers() + " did not connect within " +
                options.connectTimeout().toSeconds() + " s");
        }
        connection.sendHello(rank, nodes);
    }

    private void awaitHellos(final long deadline) throws IOException
    {
        while (!allHellosReceived())
        {
            if (verbs.poll(dispatch) == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new TransportException("node " + rank + ": " + missingPeers() + " did not say hello within " +
                        options.connectTimeout().toSeconds() + " s");
                }
                Thread.onSpinWait();
            }
        }
    }

    private boolean allHellosReceived()
    {
        for (int i = 0; i < connectionCount; i++)
        {
            if (connections[i].failure != null)
            {
                throw new TransportException("node " + rank + ": the connection to " + connections[i].name +
                    " failed during start: " + connections[i].failure);
            }
            if (!connections[i].helloReceived)
            {
                return false;
            }
        }
        return connectionCount == connections.length;
    }

    private String missingPeers()
    {
        final StringBuilder missing = new StringBuilder();
        for (int peer = 0; peer < nodes; peer++)
        {
            if (peer != rank && (peers[peer] == null || !peers[peer].helloReceived))
            {
                missing.append(missing.length() == 0 ? "" : ", ").append(nodeName(peer));
            }
        }
        return missing.toString();
    }

    private static void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while connecting", ex);
        }
    }

    // ---- sending and one-sided operations ----

    @Override
    public void send(final int peer, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > options.maxMessageLength())
        {
            throw new TransportException("message of " + length + " bytes to node " + peer + " exceeds the limit of " +
                options.maxMessageLength() + " bytes");
        }
        final RdmaPeer target = peer(peer, "send");
        final boolean mayWait = Thread.currentThread() != dispatcher;
        final long deadline = System.nanoTime() + options.sendTimeout().toNanos();
        synchronized (target)
        {
            while (true)
            {
                checkWorking(target, "send");
                try
                {
                    if (target.send(buffer, offset, length, mayWait ? options.maxBacklogBytes() : Long.MAX_VALUE))
                    {
                        return;
                    }
                }
                catch (final IOException ex)
                {
                    final String reason = "rdma SEND to " + target.name + " failed: post refused: " + ex.getMessage();
                    lose(target, reason);
                    throw new TransportException(reason, ex);
                }
                if (System.nanoTime() > deadline)
                {
                    throw new TransportException("send to " + target.name + " timed out after " +
                        options.sendTimeout().toSeconds() + " s: " + target.backlogBytes() + " bytes wait for " +
                        "credits (the node does not repost its receives)");
                }
                waitOn(target);
            }
        }
    }

    private static void waitOn(final Object monitor)
    {
        try
        {
            monitor.wait(10);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while waiting for rdma credits", ex);
        }
    }

    @Override
    public void read(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        oneSided(peer, regionId, offset, length, localAddress, token, completion, false);
    }

    /** The local memory must stay as it is until {@code completion} runs: it is copied to staging when posted. */
    @Override
    public void write(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        oneSided(peer, regionId, offset, length, localAddress, token, completion, true);
    }

    private void oneSided(final int peer, final int regionId, final long offset, final int length,
        final long localAddress, final long token, final OneSidedCompletion completion, final boolean write)
    {
        final String op = write ? "write" : "read";
        final RdmaPeer target = peer(peer, op);
        final RegionDescriptor region = remoteRegions.check(peer, regionId, offset, length,
            options.maxMessageLength(), op);
        checkWorking(target, op);
        if (length == 0)
        {
            completion.onComplete(token, null);
            return;
        }
        final OneSidedOperations.Operation started = oneSided.submit(target, write, region.base() + offset,
            region.remoteKey(), length, localAddress, token, completion);
        if (started != null)
        {
            try
            {
                oneSided.start(started);
            }
            catch (final IOException ex)
            {
                lose(target, "rdma " + (write ? "WRITE to " : "READ from ") + target.name + " failed: post refused: " +
                    ex.getMessage());
            }
        }
    }

    private RdmaPeer peer(final int peer, final String op)
    {
        if (peer < 0 || peer >= nodes || peer == rank)
        {
            throw new IllegalArgumentException(op + ": " + peer + " is not a peer of node " + rank);
        }
        final RdmaPeer target = peers[peer];
        // A peer that said hello may be sent to while this node still waits for others' hellos.
        if (target == null || !target.helloReceived || closing)
        {
            throw new TransportException(op + " to node " + peer + ": transport of node " + rank +
                (closing ? " is closed" : " is not started"));
        }
        return target;
    }

    private static void checkWorking(final RdmaPeer target, final String op)
    {
        final String failure = target.failure;
        if (failure != null)
        {
            throw new TransportException(op + " to " + target.name + ": the connection failed: " + failure);
        }
    }

    // ---- completions: the dispatching thread ----

    private int pollOnce()
    {
        try
        {
            return verbs.poll(dispatch);
        }
        catch (final IOException ex)
        {
            onPollerError(ex);
            return 0;
        }
    }

    private void onCompletion(final long wrId, final int status, final int opcode, final int byteLength)
    {
        final int index = WorkRequests.connection(wrId);
        final RdmaPeer connection = index < connectionCount ? connections[index] : null;
        if (connection == null)
        {
            LOG.warn("node {}: completion {} for unknown connection {}", rank, WcStatus.name(status), index);
            return;
        }
        final int kind = WorkRequests.kind(wrId);
        try
        {
            switch (kind)
            {
                case WorkRequests.RECV -> onReceive(connection, WorkRequests.index(wrId), status, byteLength);
                case WorkRequests.SEND ->
                {
                    connection.sendCompleted(WorkRequests.index(wrId));
                    if (status != WcStatus.SUCCESS)
                    {
                        lose(connection, WcStatus.failure("SEND to", connection.name, status));
                    }
                    else
                    {
                        connection.drain();
                    }
                }
                case WorkRequests.PIECE -> loseOn(connection, oneSided.onPiece(WorkRequests.index(wrId), status));
                default -> loseOn(connection, oneSided.onConfirm(WorkRequests.index(wrId), status));
            }
        }
        catch (final IOException ex)
        {
            lose(connection, "rdma post to " + connection.name + " failed: " + ex.getMessage());
        }
    }

    private void loseOn(final RdmaPeer connection, final String failure)
    {
        if (failure != null)
        {
            // A failed completion puts a reliable connected queue pair in the error state: the connection is gone.
            lose(connection, failure);
        }
    }

    private void onReceive(final RdmaPeer connection, final int buffer, final int status, final int byteLength)
        throws IOException
    {
        if (status != WcStatus.SUCCESS)
        {
            if (status == WcStatus.WR_FLUSH_ERR && connection.saidGoodbye)
            {
                leave(connection);
            }
            else
            {
                lose(connection, WcStatus.failure("RECV from", connection.name, status) +
                    (status == WcStatus.WR_FLUSH_ERR ? " (disconnected without goodbye)" : ""));
            }
            return;
        }
        if (connection.failure != null)
        {
            return;
        }
        final String error = onFrame(connection, buffer, byteLength);
        if (error != null)
        {
            lose(connection, connection.name + " " + error);
            return;
        }
        connection.postReceive(buffer);
        connection.owe();
        connection.drain();
    }

    /** Handles one received frame; returns what is wrong with it, or null. */
    private String onFrame(final RdmaPeer connection, final int buffer, final int byteLength)
    {
        final UnsafeBuffer frames = connection.frames();
        final int at = connection.frameOffset(buffer);
        final int frameLength = frames.getInt(at + LENGTH_OFFSET, ORDER);
        if (frameLength != byteLength || frameLength < HEADER_LENGTH)
        {
            return "sent " + byteLength + " bytes in a frame that says " + frameLength + " (frames have a " +
                HEADER_LENGTH + "-byte header)";
        }
        final int credits = frames.getShort(at + CREDITS_OFFSET, ORDER) & 0xFFFF;
        if (credits > 0)
        {
            connection.creditsReturned(credits);
        }
        final byte type = frames.getByte(at + TYPE_OFFSET);
        if (type == TYPE_HELLO)
        {
            return onHello(connection, frames, at, frameLength);
        }
        if (!connection.helloReceived)
        {
            return "sent a frame of type " + type + " before its hello";
        }
        switch (type)
        {
            case TYPE_MESSAGE ->
            {
                final int messageLength = frames.getInt(at + MESSAGE_LENGTH_OFFSET, ORDER);
                final DirectBuffer message;
                try
                {
                    message = connection.fragment(messageLength, at + HEADER_LENGTH, frameLength - HEADER_LENGTH);
                }
                catch (final IllegalStateException ex)
                {
                    return ex.getMessage();
                }
                if (message == frames)
                {
                    messageHandler.onMessage(connection.rank, frames, at + HEADER_LENGTH, messageLength);
                }
                else if (message != null)
                {
                    messageHandler.onMessage(connection.rank, message, 0, messageLength);
                }
            }
            case TYPE_CREDIT ->
            {
                // the credits in the header were the point
            }
            case TYPE_BYE -> connection.saidGoodbye = true;
            default ->
            {
                return "sent a frame of unknown type " + type;
            }
        }
        return null;
    }

    private String onHello(final RdmaPeer connection, final UnsafeBuffer frames, final int at, final int frameLength)
    {
        if (connection.helloReceived || frameLength != HELLO_LENGTH ||
            frames.getInt(at + HELLO_MAGIC_OFFSET, ORDER) != HELLO_MAGIC)
        {
            return "is not a nups node (bad hello)";
        }
        final int peer = frames.getInt(at + HELLO_RANK_OFFSET, ORDER);
        final int peerNodes = frames.getInt(at + HELLO_NODES_OFFSET, ORDER);
        final int version = frames.getInt(at + HELLO_VERSION_OFFSET, ORDER);
        final int bufferBytes = frames.getInt(at + HELLO_BUFFER_OFFSET, ORDER);
        final int depth = frames.getInt(at + HELLO_DEPTH_OFFSET, ORDER);
        if (version != PROTOCOL_VERSION || peerNodes != nodes || bufferBytes != options.bufferBytes() ||
            depth != options.receiveDepth())
        {
            throw new TransportException("node " + rank + ": " + connection.name + " runs protocol " + version +
                " with " + peerNodes + " nodes, " + bufferBytes + "-byte buffers and " + depth + " receives; this " +
                "node runs protocol " + PROTOCOL_VERSION + " with " + nodes + " nodes, " + options.bufferBytes() +
                "-byte buffers and " + options.receiveDepth() + " receives");
        }
        if (connection.rank >= 0 ? peer != connection.rank : peer <= rank || peer >= nodes || peers[peer] != null)
        {
            throw new TransportException("node " + rank + ": " + connection.name + " claims rank " + peer +
                (connection.rank >= 0 ? "" : ", which is not an unconnected rank in (" + rank + ", " + nodes + ")"));
        }
        if (connection.rank < 0)
        {
            connection.rank = peer;
            connection.name = nodeName(peer);
            peers[peer] = connection;
        }
        connection.helloReceived = true;
        return null;
    }

    /** The peer said goodbye and disconnected. */
    private void leave(final RdmaPeer connection)
    {
        if (!connection.fail("left"))
        {
            return;
        }
        connection.queuePair().disconnect();
        if (!closing && connection.rank >= 0)
        {
            failureHandler.onPeerLeft(connection.rank, connection.name);
        }
    }

    /** Fails the connection (its queue pair flushes, failing its operations) and tells the failure handler once. */
    private void lose(final RdmaPeer connection, final String reason)
    {
        if (!connection.fail(reason))
        {
            return;
        }
        connection.queuePair().disconnect();
        if (!closing && connection.rank >= 0 && started)
        {
            LOG.error("node {}: lost {}: {}", rank, connection.name, reason);
            failureHandler.onPeerLost(connection.rank, reason);
        }
    }

    private void onPollerError(final Throwable error)
    {
        LOG.error("node {}: rdma poller failed", rank, error);
        for (int i = 0; i < connectionCount; i++)
        {
            lose(connections[i], "rdma poller of node " + rank + " failed: " + error);
        }
    }

    /** Bytes waiting for credits to {@code peer} (tests). */
    int backlogBytes(final int peer)
    {
        return peers[peer].backlogBytes();
    }

    /** Credits this node holds for {@code peer} (tests). */
    int sendCredits(final int peer)
    {
        return peers[peer].sendCredits();
    }

    // ---- close ----

    /**
     * Says goodbye to every working peer after its queued messages (bounded by the send timeout), stops the
     * poller, disconnects, ends one-sided operations still in flight, and frees registered memory.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        if (started)
        {
            sayGoodbye(System.nanoTime() + options.sendTimeout().toNanos());
        }
        closing = true;
        if (poller != null)
        {
            poller.close(1000, thread -> LOG.warn("node {}: {} did not stop in time", rank, thread.getName()));
        }
        for (int i = 0; i < connectionCount; i++)
        {
            if (connections[i].queuePair() != null)
            {
                connections[i].queuePair().close();
            }
        }
        oneSided.abandonAll("transport of node " + rank + " closed");
        for (int i = 0; i < connectionCount; i++)
        {
            connections[i].free();
        }
        synchronized (this)
        {
            localRegions.values().forEach(verbs::deregister);
            localRegions.clear();
        }
        oneSided.free();
        verbs.close();
    }

    private void sayGoodbye(final long deadline)
    {
        for (int i = 0; i < connectionCount; i++)
        {
            final RdmaPeer connection = connections[i];
            synchronized (connection)
            {
                try
                {
                    while (connection.failure == null && !(connection.backlogBytes() == 0 &&
                        connection.sendControl(TYPE_BYE)) && System.nanoTime() < deadline)
                    {
                        waitOn(connection);
                    }
                }
                catch (final IOException ex)
                {
                    LOG.warn("node {}: could not say goodbye to {}: {}", rank, connection.name, ex.getMessage());
                }
            }
        }
        for (int i = 0; i < connectionCount; i++)
        {
            final RdmaPeer connection = connections[i];
            synchronized (connection)
            {
                // The goodbye must have reached the peer before the disconnection overtakes it.
                while (connection.failure == null && !connection.idle() && System.nanoTime() < deadline)
                {
                    waitOn(connection);
                }
            }
            if (connection.failure == null)
            {
                connection.fail("closed");
            }
            connection.queuePair().disconnect();
        }
    }

    /** The poller's work: one poll of the completion queue. */
    private final class Poller implements Agent
    {
        @Override
        public int doWork()
        {
            return pollOnce();
        }

        @Override
        public String roleName()
        {
            return "nups-rdma-poll-r" + rank;
        }
    }
}
