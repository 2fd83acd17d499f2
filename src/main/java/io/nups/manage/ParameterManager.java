package io.nups.manage;

import io.nups.metrics.OpRecorder;
import io.nups.store.KeyLayout;
import io.nups.store.ParameterStore;
import io.nups.store.SlotDescriptor;
import io.nups.transport.MessageHandler;
import io.nups.transport.PeerFailureHandler;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.Transport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static io.nups.manage.PsMessageDescriptor.BARRIER_ARRIVE;
import static io.nups.manage.PsMessageDescriptor.BARRIER_RELEASE;
import static io.nups.manage.PsMessageDescriptor.COUNT_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ENTRY_KEY_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ENTRY_POSITION_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ENTRY_VALUES_OFFSET;
import static io.nups.manage.PsMessageDescriptor.HANDLE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.HAND_OVER;
import static io.nups.manage.PsMessageDescriptor.HEADER_LENGTH;
import static io.nups.manage.PsMessageDescriptor.LOCALIZE;
import static io.nups.manage.PsMessageDescriptor.NO_REGION;
import static io.nups.manage.PsMessageDescriptor.ORIGIN_NODE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ORIGIN_WORKER_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULL_REQUEST;
import static io.nups.manage.PsMessageDescriptor.PULLED_REGION_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULLED_SLOT_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULLED_VALUES_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULL_RESPONSE;
import static io.nups.manage.PsMessageDescriptor.PUSH_REQUEST;
import static io.nups.manage.PsMessageDescriptor.REGIONS;
import static io.nups.manage.PsMessageDescriptor.REGION_BASE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_ENTRY_LENGTH;
import static io.nups.manage.PsMessageDescriptor.REGION_ID_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_LENGTH_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_REMOTE_KEY_OFFSET;
import static io.nups.manage.PsMessageDescriptor.SENDER_OFFSET;
import static io.nups.manage.PsMessageDescriptor.SET_REQUEST;
import static io.nups.manage.PsMessageDescriptor.TRANSFER;
import static io.nups.manage.PsMessageDescriptor.TYPE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.UPDATE_RESPONSE;

/**
 * Management of keys that live on other nodes: the worker slow path (remote pull, push, set, localize),
 * and the server side that answers, forwards, hands over and receives keys. In classic mode keys stay at
 * their home node; with relocation they move to the node that localizes them (Lapse/NuPS Localize,
 * reference §1.5): the requester opens a transfer record before it sends anything, the manager
 * serializes ownership changes, the owner answers the requester directly, and queued operations are
 * replayed in arrival order when the value arrives.
 *
 * <p>Remote pulls: a pull response says where the key's slot lies at the responder; later pulls of that
 * key read the slot one-sidedly ({@link OneSidedReads}) and fall back to a message if the key moved. With
 * location caches on, workers send requests to the node last seen owning a key; server forwarding never
 * uses the cache.
 *
 * <p>Threads: worker threads run their own slow path through a {@link Port}; one named server thread
 * ({@code nups-server-r<rank>}) handles every incoming message, which transport threads only copy and queue.
 */
public final class ParameterManager implements AutoCloseable, PeerFailureHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(ParameterManager.class);

    private final int rank;
    private final int nodes;
    private final boolean relocation;
    private final ParameterStore store;
    private final KeyLayout layout;
    private final HomeDirectory directory;
    private final Transport transport;
    private final OperationTable[] tables;
    private final long timeoutNanos;
    private final int settingsFingerprint;
    private final KeyLocks locks = new KeyLocks();
    private final Transfers transfers = new Transfers();
    private final ClusterBarrier barrier;
    private final RegionExchange regions;
    /** Null unless one-sided pulls are on. */
    private final SlotLocations locations;
    /** Null unless location caches are on. */
    private final LocationCache cache;
    private final ManyToOneConcurrentLinkedQueue<byte[]> inbox = new ManyToOneConcurrentLinkedQueue<>();
    /** Rung after every message queued for the server thread, which sleeps on it when idle. */
    private final Doorbell inboxBell = new Doorbell();
    /**
     * An inbox entry shorter than a message header (which {@link #onMessage} never queues) marks a peer's departure:
     * its rank, as an int; the reason is in {@link #departures}.
     */
    private static final int DEPARTURE_MARKER_LENGTH = Integer.BYTES;
    /**
     * How long a departure waits before it fails this node. A node that failed (e.g. it lost another peer) leaves
     * at once, so its goodbye can arrive before this node notices the loss that really ended the run; the grace
     * lets that first cause be the one reported.
     */
    static final long DEPARTURE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private final AtomicReferenceArray<String> departures;
    /** Per peer, when its departure fails this node (0: none pending); server thread only. */
    private final long[] departureDeadlines;
    private int pendingDepartures;
    private final Server server;
    private final AgentRunner serverRunner;
    private final MessageBatch control;
    private long nextEpoch;
    private volatile String failure;
    private volatile boolean leaving;
    private volatile MessageHandler syncMessages;

    /**
     * @param tables         one operation table per worker of this node, indexed by worker
     * @param oneSidedPulls  pull keys of known location by one-sided reads of their slots
     * @param locationCaches workers send requests to the node last seen owning a key
     * @param settingsFingerprint digest of the settings every node must share; a peer with another one is refused
     */
    public ParameterManager(final ParameterStore store, final HomeDirectory directory, final Transport transport,
        final OperationTable[] tables, final boolean relocation, final boolean oneSidedPulls,
        final boolean locationCaches, final long timeoutNanos, final int settingsFingerprint)
    {
        this.rank = transport.rank();
        this.nodes = transport.nodes();
        this.departures = new AtomicReferenceArray<>(nodes);
        this.departureDeadlines = new long[nodes];
        this.relocation = relocation;
        this.store = store;
        this.layout = store.layout();
        this.directory = directory;
        this.transport = transport;
        this.tables = tables;
        this.timeoutNanos = timeoutNanos;
        this.settingsFingerprint = settingsFingerprint;
        this.barrier = new ClusterBarrier(nodes);
        this.regions = new RegionExchange(transport, settingsFingerprint);
        this.locations = oneSidedPulls && nodes > 1 ? new SlotLocations(layout.numKeys()) : null;
        this.cache = locationCaches && nodes > 1 ? new LocationCache(layout.numKeys()) : null;
        this.control = newBatch();
        this.server = new Server();
        this.serverRunner = new AgentRunner(new DoorbellIdleStrategy(inboxBell, inbox::isEmpty), this::serverFailed,
            null, server);
    }

    /** Starts the server thread; call before the transport delivers messages. */
    public void start()
    {
        AgentRunner.startOnThread(serverRunner, runnable ->
        {
            final Thread thread = new Thread(runnable, server.roleName());
            thread.setDaemon(true);
            return thread;
        });
    }

    public int rank()
    {
        return rank;
    }

    public int nodes()
    {
        return nodes;
    }

    public boolean relocation()
    {
        return relocation;
    }

    public boolean oneSidedPulls()
    {
        return locations != null;
    }

    public boolean locationCaches()
    {
        return cache != null;
    }

    /**
     * Sends this node's registered regions to every peer and waits, bounded by the wait timeout, until every
     * peer's regions arrived and were added to the transport. Call once, after the transport started.
     */
    public synchronized void exchangeRegions(final List<RegionDescriptor> own)
    {
        checkHealthy();
        for (final RegionDescriptor region : own)
        {
            if (region.node() != rank || region.regionId() < 0 || region.regionId() > SlotLocations.MAX_REGION)
            {
                throw new IllegalArgumentException("node " + rank + " cannot announce region " + region +
                    ": regions must be this node's, with ids in [0, " + SlotLocations.MAX_REGION + "]");
            }
        }
        for (int node = 0; node < nodes; node++)
        {
            if (node == rank)
            {
                continue;
            }
            control.begin(node, REGIONS, rank, settingsFingerprint, own.size());
            if (own.isEmpty())
            {
                control.sendCount(0);
                continue;
            }
            for (final RegionDescriptor region : own)
            {
                control.addRegion(region);
            }
            control.send();
        }
        regions.await(timeoutNanos);
    }

    /** The node this node's location cache names for {@code key}, or -1 (unknown, or caches off). */
    public int cachedOwner(final int key)
    {
        return cache == null ? LocationCache.UNKNOWN : cache.get(key);
    }

    /** Keys in transfer to this node right now. */
    public int keysInTransfer()
    {
        return transfers.size();
    }

    /** Where SYNC messages go (replica synchronization); set once, before the transport starts. */
    void syncMessages(final MessageHandler handler)
    {
        this.syncMessages = handler;
    }

    /** Transport callback: copies the message for the server thread (replica sync data goes to its agent). */
    public void onMessage(final int fromPeer, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            onPeerLost(fromPeer, "sent a parameter-server message of " + length + " bytes, shorter than its " +
                HEADER_LENGTH + "-byte header");
            return;
        }
        if (buffer.getByte(offset + TYPE_OFFSET) == PsMessageDescriptor.SYNC)
        {
            final MessageHandler handler = syncMessages;
            if (handler == null)
            {
                onPeerLost(fromPeer, "sent replica synchronization data, but node " + rank + " replicates no keys: " +
                    "every node must be started with the same replicated keys");
                return;
            }
            handler.onMessage(fromPeer, buffer, offset, length);
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        inbox.offer(copy);
        inboxBell.ring();
    }

    /** Transport callback: a peer is gone; every waiting operation and barrier fails with the reason. */
    @Override
    public void onPeerLost(final int peer, final String reason)
    {
        fail("lost node " + peer + ": " + reason);
    }

    /**
     * Transport callback: a peer closed on purpose. No node passes the closing barrier before every node reached
     * it, so a peer that leaves while this node has not begun to leave itself left without the others (it failed,
     * or its application gave up): that ends this node too, after {@link #DEPARTURE_GRACE_NANOS} rather than by a
     * wait timeout.
     */
    @Override
    public void onPeerLeft(final int peer, final String who)
    {
        if (leaving)
        {
            return;
        }
        // Judged by the server thread after the peer's earlier messages, which may explain why it left (e.g. its
        // start-up settings, which this node must report as the mismatch they are, not as a lost peer).
        departures.set(peer, who + " left before the cluster closed");
        final byte[] marker = new byte[DEPARTURE_MARKER_LENGTH];
        new UnsafeBuffer(marker).putInt(0, peer);
        inbox.offer(marker);
        inboxBell.ring();
    }

    /** This node begins to leave: from now on peers that leave are expected (see {@link #onPeerLeft}). */
    public void leaving()
    {
        leaving = true;
    }

    /** Fails every waiting operation and barrier of this node with {@code reason}; the first reason sticks. */
    public void fail(final String reason)
    {
        if (failure != null)
        {
            return;
        }
        failure = reason;
        LOG.error("node {}: {}", rank, reason);
        barrier.fail(reason);
        regions.fail(reason);
        for (final OperationTable table : tables)
        {
            table.failAll(reason);
        }
    }

    /** Null while the cluster is healthy, else why it is not. */
    public String failure()
    {
        return failure;
    }

    /**
     * Barrier over all nodes, passed by each node once per call and in the same order everywhere: sends
     * this node's arrival to node 0 and waits for the release, bounded by the wait timeout.
     */
    public synchronized void clusterBarrier()
    {
        checkHealthy();
        final long epoch = nextEpoch++;
        if (rank == 0)
        {
            if (barrier.arrive(epoch, 0))
            {
                releaseBarrier(epoch, control);
            }
        }
        else
        {
            control.begin(0, BARRIER_ARRIVE, rank, -1, epoch).sendCount(0);
        }
        barrier.await(epoch, timeoutNanos, rank);
    }

    private void releaseBarrier(final long epoch, final MessageBatch batch)
    {
        for (int node = 1; node < nodes; node++)
        {
            batch.begin(node, BARRIER_RELEASE, 0, -1, epoch).sendCount(0);
        }
        barrier.release(epoch);
    }

    private MessageBatch newBatch()
    {
        return new MessageBatch(this::send, rank, transport.maxMessageLength());
    }

    /**
     * Sends through the transport, or straight into this node's own inbox: a forwarded request can come
     * back to the node it started from, and its answer then goes to this node itself.
     */
    private void send(final int destination, final DirectBuffer buffer, final int offset, final int length)
    {
        if (destination == rank)
        {
            onMessage(rank, buffer, offset, length);
        }
        else
        {
            transport.send(destination, buffer, offset, length);
        }
    }

    /** A worker's handle on the slow path; one per worker thread, recording into that worker's recorder. */
    public Port port(final int worker, final OpRecorder recorder)
    {
        return new Port(worker, recorder);
    }

    private static void abandonAll(final MessageBatch single, final MessageBatch[] batches)
    {
        single.abandon();
        for (final MessageBatch batch : batches)
        {
            batch.abandon();
        }
    }

    private void checkHealthy()
    {
        final String reason = failure;
        if (reason != null)
        {
            throw new IllegalStateException("nups node " + rank + " stopped: " + reason);
        }
    }

    /** Where to forward a request for a key this node neither holds nor expects; never uses the cache. */
    private int directions(final int key)
    {
        final int home = directory.home(key);
        return relocation && home == rank ? directory.owner(key) : home;
    }

    /** Where a worker sends a request for a key this node neither holds nor expects: the cache may say. */
    private int workerDirections(final int key)
    {
        if (cache != null && !directory.isHome(key))
        {
            final int cached = cache.get(key);
            if (cached != LocationCache.UNKNOWN && cached != rank)
            {
                return cached;
            }
        }
        return directions(key);
    }

    private void serverFailed(final Throwable error)
    {
        LOG.error("node {}: server thread failed", rank, error);
        fail("server thread of node " + rank + " failed: " + error);
    }

    /** Fails what still waits (quietly: the node is closing, not broken) and stops the server thread. */
    @Override
    public void close()
    {
        if (failure == null)
        {
            failure = "node " + rank + " is closed";
            barrier.fail(failure);
            regions.fail(failure);
            for (final OperationTable table : tables)
            {
                table.failAll(failure);
            }
        }
        serverRunner.close();
    }

    /** No update pending towards a node (see {@code Port.pendingUpdate}). */
    private static final long NO_UPDATE = Long.MIN_VALUE;

    /** The slow path of one worker: not thread-safe, used by its worker thread only. */
    public final class Port
    {
        private final int worker;
        private final OperationTable table;
        private final MessageBatch[] outbox = new MessageBatch[nodes];
        /** Null unless one-sided pulls are on. */
        private final OneSidedReads reads;
        /**
         * Per node, this worker's latest update that sent keys there, or {@link #NO_UPDATE}: while it is pending,
         * pulls of keys on that node go by message, which the node serves after the update (messages between two
         * nodes stay in order), where a one-sided read could overtake it and miss the worker's own write.
         */
        private final long[] pendingUpdate = new long[nodes];

        private Port(final int worker, final OpRecorder recorder)
        {
            this.worker = worker;
            this.table = tables[worker];
            for (int node = 0; node < nodes; node++)
            {
                outbox[node] = newBatch();
            }
            this.reads = locations == null ? null :
                new OneSidedReads(transport, locations, layout, recorder, ParameterManager.this, timeoutNanos);
            java.util.Arrays.fill(pendingUpdate, NO_UPDATE);
        }

        public OperationTable table()
        {
            return table;
        }

        /**
         * Pulls {@code keys[from..]} into {@code out} starting at {@code offset}; the keys before {@code from}
         * were served locally. Returns the operation's handle. Keys read one-sidedly are in {@code out} when
         * this returns (their reads are awaited here, after the messages for the other keys went out).
         */
        public long pull(final int[] keys, final int from, final float[] out, final int offset)
        {
            begin();
            final long handle = table.begin(keys.length - from, out, timeoutNanos);
            if (reads != null)
            {
                reads.clear();
            }
            int answered = 0;
            int position = offset;
            for (int i = from; i < keys.length; i++)
            {
                answered += pullOne(keys[i], position, out, handle, reads != null);
                position += layout.length(keys[i]);
            }
            // Messages first, so their round trips overlap the one-sided reads.
            sendAll();
            if (reads != null && reads.count() > 0)
            {
                answered += reads.run(out);
                for (int r = 0; r < reads.count(); r++)
                {
                    if (reads.fellBack(r))
                    {
                        answered += pullOne(reads.key(r), reads.position(r), out, handle, false);
                    }
                }
                sendAll();
            }
            table.complete(handle, answered);
            return handle;
        }

        /**
         * One key of a pull: served here (returns 1), queued on its transfer, added to the one-sided reads
         * (if {@code oneSided} and its slot location is known) or to a request message.
         */
        private int pullOne(final int key, final int position, final float[] out, final long handle,
            final boolean oneSided)
        {
            synchronized (locks.of(key))
            {
                if (store.read(key, layout.length(key), out, position))
                {
                    return 1;
                }
                final Transfers.Transfer transfer = transfers.get(key);
                if (transfer != null)
                {
                    transfer.queue.add(new Transfers.LocalPull(worker, handle, out, position));
                    return 0;
                }
            }
            final long location = oneSided ? reads.location(key) : SlotLocations.UNKNOWN;
            if (location != SlotLocations.UNKNOWN && !updatePending(SlotLocations.node(location)))
            {
                reads.add(key, position, location);
            }
            else
            {
                batch(workerDirections(key), PULL_REQUEST, handle).add(key, position);
            }
            return 0;
        }

        /** Push (add) or set of {@code keys[from..]} with {@code values} from {@code offset}; see {@link #pull}. */
        public long update(final int[] keys, final int from, final float[] values, final int offset,
            final boolean overwrite)
        {
            begin();
            final long handle = table.begin(keys.length - from, null, timeoutNanos);
            int answered = 0;
            int position = offset;
            for (int i = from; i < keys.length; i++)
            {
                answered += updateOne(keys[i], position, values, overwrite, handle);
                position += layout.length(keys[i]);
            }
            sendAll();
            table.complete(handle, answered);
            return handle;
        }

        /** One key of a push or set: applied here (returns 1), queued on its transfer, or sent. */
        private int updateOne(final int key, final int position, final float[] values, final boolean overwrite,
            final long handle)
        {
            final int length = layout.length(key);
            synchronized (locks.of(key))
            {
                if (overwrite ? store.write(key, length, values, position) : store.add(key, length, values, position))
                {
                    return 1;
                }
                final Transfers.Transfer transfer = transfers.get(key);
                if (transfer != null)
                {
                    transfer.queue.add(new Transfers.LocalUpdate(worker, handle,
                        java.util.Arrays.copyOfRange(values, position, position + length), overwrite));
                    return 0;
                }
            }
            final int destination = workerDirections(key);
            batch(destination, overwrite ? SET_REQUEST : PUSH_REQUEST, handle).add(key, position, values, position,
                length);
            pendingUpdate[destination] = handle;
            return 0;
        }

        /** True while this worker's latest update with keys sent to {@code node} has not completed. */
        private boolean updatePending(final int node)
        {
            final long handle = pendingUpdate[node];
            if (handle == NO_UPDATE)
            {
                return false;
            }
            if (table.isDone(handle))
            {
                pendingUpdate[node] = NO_UPDATE;
                return false;
            }
            return true;
        }

        /** Moves {@code keys} to this node (no-op in classic mode or on one node). */
        public long localize(final int[] keys)
        {
            begin();
            if (!relocation || nodes == 1)
            {
                return -1;
            }
            final long handle = table.begin(keys.length, null, timeoutNanos);
            int answered = 0;
            for (final int key : keys)
            {
                synchronized (locks.of(key))
                {
                    if (store.isLocal(key))
                    {
                        answered++;
                        continue;
                    }
                    Transfers.Transfer transfer = transfers.get(key);
                    if (transfer != null)
                    {
                        transfer.queue.add(new Transfers.Waiter(worker, handle));
                        continue;
                    }
                    transfer = transfers.open(key);
                    transfer.queue.add(new Transfers.Waiter(worker, handle));
                }
                if (directory.isHome(key))
                {
                    final int owner = directory.exchangeOwner(key, rank);
                    if (owner == rank)
                    {
                        throw new IllegalStateException("node " + rank + " manages key " + key +
                            " and is its owner, yet neither holds it nor expects it");
                    }
                    batch(owner, HAND_OVER, handle).add(key, 0);
                }
                else
                {
                    batch(directory.home(key), LOCALIZE, handle).add(key, 0);
                }
            }
            sendAll();
            table.complete(handle, answered);
            return handle;
        }

        private MessageBatch batch(final int destination, final byte type, final long handle)
        {
            final MessageBatch batch = outbox[destination];
            if (!batch.isOpen(type))
            {
                // Localize sends LOCALIZE and HAND_OVER messages, possibly to one node.
                batch.send();
                batch.begin(destination, type, rank, worker, handle);
            }
            return batch;
        }

        /** Drops messages an earlier call left unsent because it failed half-way: that call is void. */
        private void begin()
        {
            checkHealthy();
            for (final MessageBatch batch : outbox)
            {
                batch.abandon();
            }
        }

        private void sendAll()
        {
            for (final MessageBatch batch : outbox)
            {
                batch.send();
            }
        }
    }

    /** The server thread: handles every incoming message in arrival order. */
    private final class Server implements org.agrona.concurrent.Agent
    {
        private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
        private final MessageBatch reply = newBatch();
        private final MessageBatch[] outbox = new MessageBatch[nodes];
        private float[] scratch = new float[16];

        Server()
        {
            for (int node = 0; node < nodes; node++)
            {
                outbox[node] = newBatch();
            }
        }

        @Override
        public String roleName()
        {
            return "nups-server-r" + rank;
        }

        @Override
        public int doWork()
        {
            int work = 0;
            byte[] bytes;
            while (work < 64 && (bytes = inbox.poll()) != null)
            {
                if (bytes.length == DEPARTURE_MARKER_LENGTH)
                {
                    final int peer = new UnsafeBuffer(bytes).getInt(0);
                    if (departureDeadlines[peer] == 0)
                    {
                        departureDeadlines[peer] = System.nanoTime() + DEPARTURE_GRACE_NANOS;
                        pendingDepartures++;
                    }
                    work++;
                    continue;
                }
                message.wrap(bytes);
                try
                {
                    handle();
                }
                catch (final RuntimeException ex)
                {
                    abandonAll(reply, outbox);
                    LOG.error("node {}: cannot handle {} from node {}", rank,
                        PsMessageDescriptor.typeName(message.getByte(TYPE_OFFSET)),
                        message.getInt(ORIGIN_NODE_OFFSET), ex);
                    fail("node " + rank + " could not handle a " +
                        PsMessageDescriptor.typeName(message.getByte(TYPE_OFFSET)) + " message: " + ex.getMessage());
                }
                work++;
            }
            if (pendingDepartures > 0)
            {
                work += judgeDepartures();
            }
            return work;
        }

        /** Fails this node for each departure whose grace ran out, unless it failed or began to leave meanwhile. */
        private int judgeDepartures()
        {
            final long now = System.nanoTime();
            int judged = 0;
            for (int peer = 0; peer < nodes; peer++)
            {
                final long deadline = departureDeadlines[peer];
                if (deadline != 0 && now - deadline >= 0)
                {
                    departureDeadlines[peer] = 0;
                    pendingDepartures--;
                    judged++;
                    if (!leaving)
                    {
                        onPeerLost(peer, departures.get(peer));
                    }
                }
            }
            return judged;
        }

        private void handle()
        {
            final byte type = message.getByte(TYPE_OFFSET);
            final int originNode = message.getInt(ORIGIN_NODE_OFFSET);
            final int originWorker = message.getInt(ORIGIN_WORKER_OFFSET);
            final int count = message.getInt(COUNT_OFFSET);
            final long handle = message.getLong(HANDLE_OFFSET);
            switch (type)
            {
                case PULL_REQUEST -> onPullRequest(originNode, originWorker, handle, count);
                case PUSH_REQUEST, SET_REQUEST -> onUpdateRequest(type == SET_REQUEST, originNode, originWorker, handle,
                    count);
                case PULL_RESPONSE -> onPullResponse(message.getShort(SENDER_OFFSET), originWorker, handle, count);
                case UPDATE_RESPONSE -> table(originWorker).complete(handle, count);
                case LOCALIZE -> onLocalize(originNode, originWorker, handle, count);
                case HAND_OVER -> onHandOver(originNode, originWorker, handle, count);
                case TRANSFER -> onTransfer(count);
                case BARRIER_ARRIVE ->
                {
                    if (barrier.arrive(handle, originNode))
                    {
                        releaseBarrier(handle, reply);
                    }
                }
                case BARRIER_RELEASE -> barrier.release(handle);
                case REGIONS -> onRegions(originNode, originWorker, (int)handle, count);
                default -> throw new IllegalArgumentException("unknown message type " + type);
            }
        }

        private OperationTable table(final int worker)
        {
            if (worker < 0 || worker >= tables.length)
            {
                throw new IllegalArgumentException("response names worker " + worker + " of node " + rank +
                    ", which has " + tables.length);
            }
            return tables[worker];
        }

        private void onPullRequest(final int originNode, final int originWorker, final long handle, final int count)
        {
            reply.begin(originNode, PULL_RESPONSE, originNode, originWorker, handle);
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                final int key = entryKey(at);
                final int position = message.getInt(at + ENTRY_POSITION_OFFSET);
                final int length = layout.length(key);
                final float[] values = scratch(length);
                synchronized (locks.of(key))
                {
                    if (store.read(key, length, values, 0))
                    {
                        // Only this thread removes keys, so the slot cannot move while the lock is held.
                        final long location = store.slotLocation(key);
                        reply.addPulled(key, position, (int)(location >>> 32), (int)location, values, 0, length);
                    }
                    else
                    {
                        final Transfers.Transfer transfer = transfers.get(key);
                        if (transfer != null)
                        {
                            transfer.queue.add(new Transfers.RemotePull(originNode, originWorker, handle, position));
                        }
                        else
                        {
                            forward(key, PULL_REQUEST, originNode, originWorker, handle).add(key, position);
                        }
                    }
                }
                at += ENTRY_VALUES_OFFSET;
            }
            reply.send();
            sendForwards();
        }

        private void onUpdateRequest(final boolean overwrite, final int originNode, final int originWorker,
            final long handle, final int count)
        {
            int applied = 0;
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                final int key = entryKey(at);
                final int position = message.getInt(at + ENTRY_POSITION_OFFSET);
                final int length = layout.length(key);
                final float[] values = scratch(length);
                readValues(at, values, length);
                synchronized (locks.of(key))
                {
                    if (overwrite ? store.write(key, length, values, 0) : store.add(key, length, values, 0))
                    {
                        applied++;
                    }
                    else
                    {
                        final Transfers.Transfer transfer = transfers.get(key);
                        if (transfer != null)
                        {
                            transfer.queue.add(new Transfers.RemoteUpdate(originNode, originWorker, handle,
                                java.util.Arrays.copyOf(values, length), overwrite));
                        }
                        else
                        {
                            forward(key, overwrite ? SET_REQUEST : PUSH_REQUEST, originNode, originWorker, handle)
                                .add(key, position, values, 0, length);
                        }
                    }
                }
                at += ENTRY_VALUES_OFFSET + 4 * length;
            }
            if (applied > 0)
            {
                reply.begin(originNode, UPDATE_RESPONSE, originNode, originWorker, handle).sendCount(applied);
            }
            sendForwards();
        }

        private void onPullResponse(final int sender, final int originWorker, final long handle, final int count)
        {
            final OperationTable table = table(originWorker);
            final float[] out = table.output(handle);
            final boolean fromPeer = sender != rank && sender >= 0 && sender < nodes;
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                final int key = entryKey(at);
                final int position = message.getInt(at + ENTRY_POSITION_OFFSET);
                final int length = layout.length(key);
                if (position < 0 || position + length > out.length)
                {
                    throw new IllegalArgumentException("pull response for key " + key + " at position " + position +
                        " overruns the output of " + out.length + " floats");
                }
                readFloats(at + PULLED_VALUES_OFFSET, out, position, length);
                if (fromPeer)
                {
                    learn(key, sender, message.getInt(at + PULLED_REGION_OFFSET), message.getInt(at + PULLED_SLOT_OFFSET));
                }
                at += PULLED_VALUES_OFFSET + 4 * length;
            }
            table.complete(handle, count);
        }

        /** A peer answered a pull of {@code key} from its slot at (region, offset), or from no slot. */
        private void learn(final int key, final int sender, final int region, final int slotOffset)
        {
            if (cache != null)
            {
                cache.put(key, sender);
            }
            if (locations != null && region != NO_REGION)
            {
                locations.learn(key, sender, region, slotOffset);
            }
        }

        private void onRegions(final int sender, final int fingerprint, final int total, final int count)
        {
            final List<RegionDescriptor> announced = new ArrayList<>(count);
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                if (at + REGION_ENTRY_LENGTH > message.capacity())
                {
                    throw new IllegalArgumentException("REGIONS message of node " + sender + " ends inside entry " + i);
                }
                announced.add(new RegionDescriptor(sender, message.getInt(at + REGION_ID_OFFSET),
                    message.getLong(at + REGION_BASE_OFFSET), message.getInt(at + REGION_LENGTH_OFFSET),
                    message.getInt(at + REGION_REMOTE_KEY_OFFSET)));
                at += REGION_ENTRY_LENGTH;
            }
            regions.onRegions(sender, fingerprint, announced, total);
        }

        private void onLocalize(final int requester, final int worker, final long handle, final int count)
        {
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                final int key = entryKey(at);
                final int previous = directory.exchangeOwner(key, requester);
                if (previous == requester)
                {
                    throw new IllegalStateException("node " + requester + " localizes key " + key +
                        ", which it owns already");
                }
                if (previous == rank)
                {
                    giveAway(key, requester, worker, handle);
                }
                else
                {
                    forwardTo(previous, HAND_OVER, requester, worker, handle).add(key, 0);
                }
                at += ENTRY_VALUES_OFFSET;
            }
            sendForwards();
        }

        private void onHandOver(final int requester, final int worker, final long handle, final int count)
        {
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                giveAway(entryKey(at), requester, worker, handle);
                at += ENTRY_VALUES_OFFSET;
            }
            sendForwards();
        }

        /** Sends a key this node owns to {@code requester}: now if held, else when its own transfer arrives. */
        private void giveAway(final int key, final int requester, final int worker, final long handle)
        {
            final int length = layout.length(key);
            final float[] values = scratch(length);
            synchronized (locks.of(key))
            {
                if (cache != null)
                {
                    cache.put(key, requester);
                }
                // remove() frees the slot before the value leaves: one-sided readers see it gone.
                if (store.remove(key, values, 0))
                {
                    transferTo(requester).add(key, 0, values, 0, length);
                    return;
                }
                final Transfers.Transfer transfer = transfers.get(key);
                if (transfer == null)
                {
                    throw new IllegalStateException("node " + rank + " is asked to hand key " + key + " to node " +
                        requester + " but neither holds nor expects it");
                }
                if (transfer.next != null)
                {
                    throw new IllegalStateException("key " + key + " is handed on twice while in transfer to node " +
                        rank + " (to nodes " + transfer.next.node() + " and " + requester + ")");
                }
                transfer.next = new Transfers.Next(requester, worker, handle);
            }
        }

        private void onTransfer(final int count)
        {
            int at = HEADER_LENGTH;
            for (int i = 0; i < count; i++)
            {
                final int key = entryKey(at);
                final int length = layout.length(key);
                final float[] values = new float[length];
                readValues(at, values, length);
                final Transfers.Transfer transfer;
                synchronized (locks.of(key))
                {
                    transfer = transfers.close(key);
                    if (transfer == null)
                    {
                        throw new IllegalStateException("node " + rank + " received key " + key +
                            " without having asked for it");
                    }
                    replay(key, transfer, values);
                    if (transfer.next != null)
                    {
                        transferTo(transfer.next.node()).add(key, 0, values, 0, length);
                    }
                    else
                    {
                        store.insert(key, SlotDescriptor.STATE_OWNED, values, 0);
                    }
                }
                for (final Transfers.Queued queued : transfer.queue)
                {
                    complete(key, queued, values);
                }
                at += ENTRY_VALUES_OFFSET + 4 * length;
            }
            sendForwards();
        }

        /** Applies the queued updates to the arrived value in arrival order, filling queued local pulls. */
        private void replay(final int key, final Transfers.Transfer transfer, final float[] value)
        {
            for (final Transfers.Queued queued : transfer.queue)
            {
                if (queued instanceof Transfers.LocalUpdate update)
                {
                    apply(value, update.values(), update.overwrite());
                }
                else if (queued instanceof Transfers.RemoteUpdate update)
                {
                    apply(value, update.values(), update.overwrite());
                }
                else if (queued instanceof Transfers.LocalPull pull)
                {
                    System.arraycopy(value, 0, pull.out(), pull.position(), value.length);
                }
                else if (queued instanceof Transfers.RemotePull pull)
                {
                    // Answered with the value as it is at this point of the replay.
                    reply.begin(pull.node(), PULL_RESPONSE, pull.node(), pull.worker(), pull.handle())
                        .addPulled(key, pull.position(), NO_REGION, 0, value, 0, value.length);
                    reply.send();
                }
            }
        }

        /** Counts a replayed operation at its origin. */
        private void complete(final int key, final Transfers.Queued queued, final float[] value)
        {
            if (queued instanceof Transfers.Waiter waiter)
            {
                tables[waiter.worker()].complete(waiter.handle(), 1);
            }
            else if (queued instanceof Transfers.LocalPull pull)
            {
                tables[pull.worker()].complete(pull.handle(), 1);
            }
            else if (queued instanceof Transfers.LocalUpdate update)
            {
                tables[update.worker()].complete(update.handle(), 1);
            }
            else if (queued instanceof Transfers.RemoteUpdate update)
            {
                reply.begin(update.node(), UPDATE_RESPONSE, update.node(), update.worker(), update.handle())
                    .sendCount(1);
            }
        }

        private void apply(final float[] value, final float[] update, final boolean overwrite)
        {
            if (overwrite)
            {
                System.arraycopy(update, 0, value, 0, value.length);
            }
            else
            {
                for (int i = 0; i < value.length; i++)
                {
                    value[i] += update[i];
                }
            }
        }

        private int entryKey(final int at)
        {
            final int key = message.getInt(at + ENTRY_KEY_OFFSET);
            layout.checkKey(key);
            return key;
        }

        private void readValues(final int at, final float[] out, final int length)
        {
            readFloats(at + ENTRY_VALUES_OFFSET, out, 0, length);
        }

        /** Reads the floats starting at byte {@code from} of the message. */
        private void readFloats(final int from, final float[] out, final int offset, final int length)
        {
            if (from + 4L * length > message.capacity())
            {
                throw new IllegalArgumentException("message ends inside the values of an entry at byte " + from);
            }
            for (int i = 0; i < length; i++)
            {
                out[offset + i] = message.getFloat(from + 4 * i);
            }
        }

        private float[] scratch(final int length)
        {
            if (scratch.length < length)
            {
                scratch = new float[length];
            }
            return scratch;
        }

        private MessageBatch forward(final int key, final byte type, final int originNode, final int originWorker,
            final long handle)
        {
            final int destination = directions(key);
            if (destination == rank)
            {
                throw new IllegalStateException("node " + rank + " would forward key " + key + " to itself: it " +
                    "manages the key and is its owner, yet neither holds nor expects it");
            }
            return forwardTo(destination, type, originNode, originWorker, handle);
        }

        private MessageBatch forwardTo(final int destination, final byte type, final int originNode,
            final int originWorker, final long handle)
        {
            final MessageBatch batch = outbox[destination];
            if (batch.isOpen(type))
            {
                return batch;
            }
            batch.send();
            return batch.begin(destination, type, originNode, originWorker, handle);
        }

        /** Transfers carry no origin of their own: the receiver's transfer record knows who waits. */
        private MessageBatch transferTo(final int destination)
        {
            return forwardTo(destination, TRANSFER, destination, -1, -1);
        }

        private void sendForwards()
        {
            for (final MessageBatch batch : outbox)
            {
                batch.send();
            }
        }

    }
}
