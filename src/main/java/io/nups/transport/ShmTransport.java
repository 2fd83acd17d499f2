package io.nups.transport;

import io.nups.store.Slab;
import io.nups.store.StoreOptions;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.nups.transport.ShmControlDescriptor.*;

/**
 * Transport for nodes on one host, through files in a shared run directory (see
 * {@link ShmControlDescriptor}). Slabs are mapped files that peers map too, so a one-sided read or write
 * is a plain memory copy by the initiator with no help from the owner's CPU, exactly as RDMA would do it;
 * messages go through each receiver's many-to-one ring buffer, FIFO per sender, and a sender wakes a
 * receiver that sleeps through the receiver's doorbell ({@link ShmBell}).
 */
public final class ShmTransport implements Transport
{
    private static final Logger LOG = LoggerFactory.getLogger(ShmTransport.class);

    private final int rank;
    private final int nodes;
    private final Path runDirectory;
    private final ShmOptions options;
    private final long pid = ProcessHandle.current().pid();
    private final MappedByteBuffer controlMapping;
    private final UnsafeBuffer control;
    private final MappedByteBuffer ringMapping;
    private final ManyToOneRingBuffer inbound;
    private final ShmBell bell;
    private final long idleSleepMillis;
    private final ManyToOneRingBuffer[] outbound;
    private final ShmBellRinger[] ringers;
    private final MappedByteBuffer[] peerRingMappings;
    private final UnsafeBuffer[] peerControls;
    private final MappedByteBuffer[] peerControlMappings;
    private final Int2ObjectHashMap<MappedByteBuffer>[] peerRegions;
    private final List<Integer> localRegions = new ArrayList<>();
    private final boolean[] lost;
    /** Peers whose departure (state LEFT) was reported; receiver thread only. */
    private final boolean[] departed;
    private final HeartbeatJudge heartbeatJudge;
    private final org.agrona.concurrent.MessageHandler ringHandler =
        (typeId, buffer, index, length) -> this.messageHandler.onMessage(typeId - 1, buffer, index, length);
    private MessageHandler messageHandler;
    private PeerFailureHandler failureHandler;
    private AgentRunner receiverRunner;
    private volatile boolean closed;

    /**
     * Creates this node's ring and control files and binds its bell; stale files of a crashed run with this
     * rank are removed.
     */
    public ShmTransport(final int rank, final int nodes, final Path runDirectory, final ShmOptions options)
    {
        this(rank, nodes, runDirectory, options, ShmIdleStrategy.MAX_SLEEP_MILLIS);
    }

    /**
     * As the public constructor, with the bound of one idle sleep of the receiver: tests raise it far above
     * the heartbeat period to prove that the doorbell, not the bound, wakes the receiver.
     */
    @SuppressWarnings("unchecked")
    ShmTransport(final int rank, final int nodes, final Path runDirectory, final ShmOptions options,
        final long idleSleepMillis)
    {
        if (nodes < 1 || rank < 0 || rank >= nodes)
        {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + nodes + ")");
        }
        this.rank = rank;
        this.nodes = nodes;
        this.runDirectory = runDirectory;
        this.options = options;
        this.idleSleepMillis = idleSleepMillis;
        this.outbound = new ManyToOneRingBuffer[nodes];
        this.ringers = new ShmBellRinger[nodes];
        this.peerRingMappings = new MappedByteBuffer[nodes];
        this.peerControls = new UnsafeBuffer[nodes];
        this.peerControlMappings = new MappedByteBuffer[nodes];
        this.peerRegions = new Int2ObjectHashMap[nodes];
        this.lost = new boolean[nodes];
        this.departed = new boolean[nodes];
        for (int i = 0; i < nodes; i++)
        {
            peerRegions[i] = new Int2ObjectHashMap<>();
        }
        try
        {
            Files.createDirectories(runDirectory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create shm run directory " + runDirectory, ex);
        }
        removeStaleFiles();
        ringMapping = IoUtil.mapNewFile(file(ringFile(rank)).toFile(), ringFileLength(options.ringCapacity()), false);
        inbound = new ManyToOneRingBuffer(new UnsafeBuffer(ringMapping));
        controlMapping = IoUtil.mapNewFile(file(controlFile(rank)).toFile(), ShmControlDescriptor.LENGTH, false);
        control = new UnsafeBuffer(controlMapping);
        control.putLong(PID_OFFSET, pid);
        control.putInt(NODES_OFFSET, nodes);
        control.putInt(VERSION_OFFSET, PROTOCOL_VERSION);
        control.putInt(SLEEPING_OFFSET, AWAKE);
        control.putLongVolatile(HEARTBEAT_OFFSET, System.currentTimeMillis());
        heartbeatJudge = new HeartbeatJudge(options.livenessTimeout().toMillis(), System.currentTimeMillis());
        control.putIntVolatile(STATE_OFFSET, STATE_STARTING);
        control.putIntVolatile(MAGIC_OFFSET, MAGIC);
        try
        {
            bell = ShmBell.bind(file(bellFile(rank)), nodes, control, inbound);
        }
        catch (final TransportException ex)
        {
            releaseOwnFiles();
            throw ex;
        }
    }

    /** The prefix the store must give this node's slab files (in {@link #runDirectory()}). */
    public String slabFilePrefix()
    {
        return slabPrefix(rank);
    }

    public Path runDirectory()
    {
        return runDirectory;
    }

    /** Peers map this node's slabs, so they must be files in the run directory named for this rank. */
    @Override
    public StoreOptions slabOptions(final StoreOptions requested)
    {
        return requested.withMappedFiles(runDirectory, slabFilePrefix());
    }

    private Path file(final String name)
    {
        return runDirectory.resolve(name);
    }

    /**
     * Files of this rank left by an earlier run (slabs, ring, bell, control) are removed if their process is
     * gone; if it still runs, this node refuses to start rather than corrupt it. A bell socket file without a
     * control file (a crash while closing) is replaced when the bell binds.
     */
    private void removeStaleFiles()
    {
        final Path controlPath = file(controlFile(rank));
        if (!Files.exists(controlPath))
        {
            return;
        }
        final long stalePid = readPid(controlPath);
        if (stalePid != pid && stalePid > 0 && ProcessHandle.of(stalePid).map(ProcessHandle::isAlive).orElse(false))
        {
            throw new IllegalStateException("shm files of node " + rank + " in " + runDirectory +
                " belong to running process " + stalePid + "; is another nups run using this directory?");
        }
        try (var files = Files.list(runDirectory))
        {
            for (final Path stale : files.filter(p -> p.getFileName().toString().startsWith(slabPrefix(rank) + "-") ||
                p.getFileName().toString().startsWith(slabPrefix(rank) + ".")).toList())
            {
                Files.deleteIfExists(stale);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot remove stale shm files of node " + rank + " in " + runDirectory, ex);
        }
        LOG.warn("node {}: removed stale shm files of crashed process {} in {}", rank, stalePid, runDirectory);
    }

    private static long readPid(final Path controlPath)
    {
        final MappedByteBuffer mapping = IoUtil.mapExistingFile(controlPath.toFile(), "shm control");
        try
        {
            final UnsafeBuffer view = new UnsafeBuffer(mapping);
            return view.capacity() >= ShmControlDescriptor.LENGTH && view.getInt(MAGIC_OFFSET) == MAGIC ?
                view.getLong(PID_OFFSET) : -1;
        }
        finally
        {
            IoUtil.unmap(mapping);
        }
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
        return "shm";
    }

    @Override
    public int maxMessageLength()
    {
        return inbound.maxMsgLength();
    }

    @Override
    public synchronized RegionDescriptor register(final Slab slab)
    {
        final Path expected = file(slabFile(rank, slab.id()));
        if (slab.file() == null || !slab.file().toAbsolutePath().equals(expected.toAbsolutePath()))
        {
            throw new IllegalArgumentException("shm transport: slab " + slab.id() + " must be the mapped file " +
                expected + ", but is " + (slab.file() == null ? "anonymous memory" : slab.file().toString()));
        }
        localRegions.add(slab.id());
        return new RegionDescriptor(rank, slab.id(), slab.address(), slab.length(), 0);
    }

    @Override
    public synchronized void addRemoteRegions(final List<RegionDescriptor> regions)
    {
        for (final RegionDescriptor region : regions)
        {
            if (region.node() < 0 || region.node() >= nodes || region.node() == rank)
            {
                throw new IllegalArgumentException("region " + region + " does not belong to a peer of node " + rank);
            }
            final Path path = file(slabFile(region.node(), region.regionId()));
            final MappedByteBuffer mapping = IoUtil.mapExistingFile(path.toFile(), "slab of node " + region.node());
            if (mapping.capacity() != region.length())
            {
                IoUtil.unmap(mapping);
                throw new IllegalStateException("shm slab file " + path + " has " + mapping.capacity() +
                    " bytes but node " + region.node() + " registered " + region.length());
            }
            peerRegions[region.node()].put(region.regionId(), mapping);
        }
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
        if (messageHandler == null || failureHandler == null)
        {
            throw new IllegalStateException("set the message and failure handlers before start");
        }
        control.putIntVolatile(STATE_OFFSET, STATE_READY);
        final long deadline = System.nanoTime() + options.startTimeout().toNanos();
        for (int peer = 0; peer < nodes; peer++)
        {
            if (peer != rank)
            {
                attachPeer(peer, deadline);
            }
        }
        receiverRunner = new AgentRunner(new ShmIdleStrategy(bell, idleSleepMillis), this::onReceiverError, null,
            new ShmReceiverAgent(this));
        AgentRunner.startOnThread(receiverRunner, runnable ->
        {
            final Thread thread = new Thread(runnable, "nups-shm-rx-r" + rank);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Waits (bounded) for a peer's control file to say ready, then maps its control and ring and connects its bell. */
    private void attachPeer(final int peer, final long deadline)
    {
        final Path controlPath = file(controlFile(peer));
        while (true)
        {
            if (Files.exists(controlPath))
            {
                final MappedByteBuffer mapping = IoUtil.mapExistingFile(controlPath.toFile(), "control of node " + peer);
                final UnsafeBuffer view = new UnsafeBuffer(mapping);
                if (view.getIntVolatile(MAGIC_OFFSET) == MAGIC && view.getIntVolatile(STATE_OFFSET) == STATE_READY)
                {
                    final int peerNodes = view.getInt(NODES_OFFSET);
                    final int peerVersion = view.getInt(VERSION_OFFSET);
                    if (peerNodes != nodes || peerVersion != PROTOCOL_VERSION)
                    {
                        IoUtil.unmap(mapping); // read nothing from the view after this: it would fault
                        throw new TransportException("node " + rank + ": node " + peer + " in " + runDirectory +
                            " runs protocol " + peerVersion + " with " + peerNodes + " nodes; this node runs protocol " +
                            PROTOCOL_VERSION + " with " + nodes);
                    }
                    peerControlMappings[peer] = mapping;
                    peerControls[peer] = view;
                    peerRingMappings[peer] = IoUtil.mapExistingFile(file(ringFile(peer)).toFile(), "ring of node " + peer);
                    ringers[peer] = ShmBellRinger.connect(rank, peer, file(bellFile(peer)), view);
                    outbound[peer] = new ManyToOneRingBuffer(new UnsafeBuffer(peerRingMappings[peer]));
                    return;
                }
                IoUtil.unmap(mapping);
            }
            if (System.nanoTime() > deadline)
            {
                throw new TransportException("node " + rank + ": node " + peer + " did not become ready in " +
                    runDirectory + " within " + options.startTimeout().toSeconds() + " s");
            }
            TransportSupport.sleepQuietly(5, "interrupted");
        }
    }

    @Override
    public void send(final int peer, final DirectBuffer buffer, final int offset, final int length)
    {
        TransportSupport.checkMessageLength(peer, length, maxMessageLength());
        final ManyToOneRingBuffer ring = ring(peer, "send");
        if (!ring.write(rank + 1, buffer, offset, length))
        {
            awaitRoom(peer, ring, buffer, offset, length);
        }
        ringers[peer].ring();
    }

    private void awaitRoom(final int peer, final ManyToOneRingBuffer ring, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final long deadline = System.nanoTime() + options.sendTimeout().toNanos();
        while (!ring.write(rank + 1, buffer, offset, length))
        {
            checkPeer(peer, "send");
            if (System.nanoTime() > deadline)
            {
                throw new TransportException("send to node " + peer + " timed out after " +
                    options.sendTimeout().toSeconds() + " s: its ring is full (the node is not reading)");
            }
            Thread.yield();
        }
    }

    private ManyToOneRingBuffer ring(final int peer, final String op)
    {
        if (peer < 0 || peer >= nodes || peer == rank)
        {
            throw new IllegalArgumentException(op + ": " + peer + " is not a peer of node " + rank);
        }
        checkPeer(peer, op);
        final ManyToOneRingBuffer ring = outbound[peer];
        if (ring == null)
        {
            throw new TransportException(op + " to node " + peer + ": transport of node " + rank + " is not started");
        }
        return ring;
    }

    private void checkPeer(final int peer, final String op)
    {
        if (closed)
        {
            throw new TransportException(op + " to node " + peer + ": transport of node " + rank + " is closed");
        }
        if (lost[peer])
        {
            throw new TransportException(op + " to node " + peer + ": the node is lost");
        }
    }

    @Override
    public void read(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        final long remote = remoteAddress(peer, regionId, offset, length, "read");
        UnsafeApi.copyMemory(remote, localAddress, length);
        completion.onComplete(token, null);
    }

    @Override
    public void write(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        final long remote = remoteAddress(peer, regionId, offset, length, "write");
        UnsafeApi.copyMemory(localAddress, remote, length);
        UnsafeApi.storeFence();
        completion.onComplete(token, null);
    }

    private long remoteAddress(final int peer, final int regionId, final long offset, final int length, final String op)
    {
        if (peer < 0 || peer >= nodes || peer == rank)
        {
            throw new IllegalArgumentException(op + ": " + peer + " is not a peer of node " + rank);
        }
        checkPeer(peer, op);
        final MappedByteBuffer mapping;
        synchronized (this)
        {
            mapping = peerRegions[peer].get(regionId);
        }
        if (mapping == null)
        {
            throw new TransportException("one-sided " + op + " at node " + peer + ": region " + regionId +
                " is not known (not registered or not exchanged)");
        }
        if (offset < 0 || length < 0 || offset + length > mapping.capacity())
        {
            throw new TransportException("one-sided " + op + " at node " + peer + ": bytes [" + offset + ", " +
                (offset + length) + ") lie outside region " + regionId + " of " + mapping.capacity() + " bytes");
        }
        return BufferUtil.address(mapping) + offset;
    }

    // ---- receiver thread ----

    int poll()
    {
        return inbound.read(ringHandler, options.pollLimit());
    }

    /** Reads what the ring holds now; bounded by the ring's capacity, since others may keep writing. */
    private void drainInbound()
    {
        final int maxPolls = inbound.capacity() / RecordDescriptor.HEADER_LENGTH / options.pollLimit() + 1;
        for (int i = 0; i < maxPolls && poll() > 0; i++)
        {
            Thread.onSpinWait();
        }
    }

    boolean isClosed()
    {
        return closed;
    }

    /** True while this node's receiver announces a sleep on its bell (a send then rings it). */
    boolean receiverSleeping()
    {
        return bell.sleeping();
    }

    /** Refreshes this node's heartbeat and checks every peer's. */
    void heartbeat()
    {
        final long now = System.currentTimeMillis();
        control.putLongVolatile(HEARTBEAT_OFFSET, now);
        final boolean mayJudgeSilence = heartbeatJudge.mayJudge(now);
        for (int peer = 0; peer < nodes; peer++)
        {
            final UnsafeBuffer view = peerControls[peer];
            if (view == null || lost[peer] || departed[peer])
            {
                continue;
            }
            if (view.getIntVolatile(STATE_OFFSET) == STATE_LEFT)
            {
                departed[peer] = true;
                // The peer wrote its last messages before it set LEFT: deliver them before its departure.
                drainInbound();
                failureHandler.onPeerLeft(peer, "node " + peer + " (shm " + runDirectory + ")");
                continue;
            }
            final long peerPid = view.getLong(PID_OFFSET);
            final long silence = now - view.getLongVolatile(HEARTBEAT_OFFSET);
            if (peerPid != pid && !ProcessHandle.of(peerPid).map(ProcessHandle::isAlive).orElse(false))
            {
                lose(peer, "process " + peerPid + " is gone");
            }
            else if (mayJudgeSilence && silence > options.livenessTimeout().toMillis())
            {
                lose(peer, "sent no heartbeat for " + silence + " ms");
            }
        }
    }

    private void lose(final int peer, final String reason)
    {
        lost[peer] = true;
        final String what = "node " + peer + " (shm " + runDirectory + ") " + reason;
        LOG.error("node {}: lost {}", rank, what);
        failureHandler.onPeerLost(peer, what);
    }

    private void onReceiverError(final Throwable error)
    {
        LOG.error("node {}: shm receiver failed", rank, error);
    }

    /**
     * Marks this node as left, stops the receiver, closes the bell and its connections, unmaps everything
     * and removes this node's files.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        control.putIntVolatile(STATE_OFFSET, STATE_LEFT);
        closed = true;
        bell.stop();
        if (receiverRunner != null)
        {
            receiverRunner.close(1000, thread -> LOG.warn("node {}: {} did not stop in time", rank, thread.getName()));
        }
        bell.close();
        for (int peer = 0; peer < nodes; peer++)
        {
            CloseHelper.quietClose(ringers[peer]);
            if (peerRingMappings[peer] != null)
            {
                IoUtil.unmap(peerRingMappings[peer]);
            }
            if (peerControlMappings[peer] != null)
            {
                IoUtil.unmap(peerControlMappings[peer]);
            }
            synchronized (this)
            {
                peerRegions[peer].values().forEach(IoUtil::unmap);
                peerRegions[peer].clear();
            }
        }
        releaseOwnFiles();
        // The store unmaps its slabs after the transport closed; unlinking them now (their mappings stay
        // valid) lets the last node out remove the run directory.
        synchronized (this)
        {
            for (final int region : localRegions)
            {
                IoUtil.deleteIfExists(file(slabFile(rank, region)).toFile());
            }
        }
        try (var left = Files.list(runDirectory))
        {
            if (left.findAny().isEmpty())
            {
                Files.deleteIfExists(runDirectory);
            }
        }
        catch (final IOException ignore)
        {
            // another node removed the directory or still has files in it
        }
    }

    /** Unmaps this node's ring and control and deletes its files; the control file last, stale-run checks key on it. */
    private void releaseOwnFiles()
    {
        IoUtil.unmap(ringMapping);
        IoUtil.unmap(controlMapping);
        IoUtil.deleteIfExists(file(bellFile(rank)).toFile());
        IoUtil.deleteIfExists(file(ringFile(rank)).toFile());
        IoUtil.deleteIfExists(file(controlFile(rank)).toFile());
    }
}
