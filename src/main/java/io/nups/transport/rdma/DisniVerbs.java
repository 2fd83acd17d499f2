package io.nups.transport.rdma;

import com.ibm.disni.verbs.IbvCQ;
import com.ibm.disni.verbs.IbvCompChannel;
import com.ibm.disni.verbs.IbvContext;
import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.IbvQP;
import com.ibm.disni.verbs.IbvQPInitAttr;
import com.ibm.disni.verbs.IbvRecvWR;
import com.ibm.disni.verbs.IbvSendWR;
import com.ibm.disni.verbs.IbvSge;
import com.ibm.disni.verbs.IbvWC;
import com.ibm.disni.verbs.RdmaCm;
import com.ibm.disni.verbs.RdmaCmEvent;
import com.ibm.disni.verbs.RdmaCmEvent.EventType;
import com.ibm.disni.verbs.RdmaCmId;
import com.ibm.disni.verbs.RdmaConnParam;
import com.ibm.disni.verbs.RdmaEventChannel;
import com.ibm.disni.verbs.SVCPollCq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link Verbs} over DiSNI's jVerbs API. Deliberately plain: one call per verb, no cached work requests, every
 * provider object checked; all protocol logic lives in {@link RdmaTransport}, which tests run over a double.
 *
 * <p>Connection events are read from the rdma_cm channels every {@link #CM_CHECK_NANOS} while polling: a peer's
 * DISCONNECTED (it closed, or its process died) is answered with rdma_disconnect, which moves the local queue pair
 * to the error state, so its posted receives flush and the transport sees the loss.
 */
final class DisniVerbs implements Verbs
{
    private static final Logger LOG = LoggerFactory.getLogger(DisniVerbs.class);
    /** Transport retries after an ack timeout: the maximum, since RoCE fabrics without PFC do drop packets. */
    static final byte RETRY_COUNT = 7;
    /**
     * Receiver-not-ready retries: finite (7 means forever). Credits guarantee a posted receive for every send,
     * so an RNR retry error means a bug, which should fail with a message rather than hang.
     */
    static final byte RNR_RETRY = 6;
    /** Outstanding RDMA READs per queue pair, as initiator and as responder. */
    private static final byte READ_DEPTH = 16;
    private static final int RESOLVE_TIMEOUT_MS = 2000;
    private static final int LISTEN_BACKLOG = 128;
    private static final int POLL_BATCH = 64;
    private static final long CM_CHECK_NANOS = 10_000_000L;

    private final InetSocketAddress listenAddress;
    private final int sendDepth;
    private final int recvDepth;
    private final RdmaEventChannel listenChannel;
    private final RdmaCmId listenId;
    private final IbvPd pd;
    private final IbvCompChannel compChannel;
    private final IbvCQ cq;
    private final IbvWC[] wcs = new IbvWC[POLL_BATCH];
    private final SVCPollCq pollCall;
    private final long[] wrIds = new long[POLL_BATCH];
    private final int[] statuses = new int[POLL_BATCH];
    private final int[] opcodes = new int[POLL_BATCH];
    private final int[] lengths = new int[POLL_BATCH];
    private final Map<Region, IbvMr> regions = new IdentityHashMap<>();
    private final List<DisniQueuePair> queuePairs = new CopyOnWriteArrayList<>();
    /** Connection requests that came in while waiting for another event on the listening channel. */
    private final ArrayDeque<RdmaCmId> connectRequests = new ArrayDeque<>();
    private long nextCmCheck;

    private DisniVerbs(final InetSocketAddress listenAddress, final int sendDepth, final int recvDepth,
        final int cqSize) throws IOException
    {
        this.listenAddress = listenAddress;
        this.sendDepth = sendDepth;
        this.recvDepth = recvDepth;
        listenChannel = require(RdmaEventChannel.createEventChannel(), "rdma_cm event channel");
        listenId = require(listenChannel.createId(RdmaCm.RDMA_PS_TCP), "rdma_cm id");
        listenId.bindAddr(listenAddress);
        listenId.listen(LISTEN_BACKLOG);
        // Bound to one interface's address, the id knows its device: the context of every connection.
        final IbvContext context = require(listenId.getVerbs(), "device context of " + listenAddress +
            " (is it the address of an RDMA interface, IPoIB or RoCE?)");
        pd = require(context.allocPd(), "protection domain");
        compChannel = require(context.createCompChannel(), "completion channel");
        cq = require(context.createCQ(compChannel, cqSize, 0), "completion queue of " + cqSize + " entries");
        for (int i = 0; i < wcs.length; i++)
        {
            wcs[i] = new IbvWC();
        }
        pollCall = cq.poll(wcs, wcs.length);
    }

    /**
     * Opens the device of {@code listenAddress} and listens there.
     *
     * @param sendDepth most outstanding sends, reads and writes per queue pair
     * @param recvDepth most posted receives per queue pair
     * @param cqSize    completion queue entries, for all queue pairs together
     */
    static DisniVerbs open(final InetSocketAddress listenAddress, final int sendDepth, final int recvDepth,
        final int cqSize) throws IOException
    {
        try
        {
            return new DisniVerbs(listenAddress, sendDepth, recvDepth, cqSize);
        }
        catch (final LinkageError ex)
        {
            // UnsatisfiedLinkError at first, NoClassDefFoundError for DiSNI's classes after that
            throw new IOException("libdisni is not loadable: " + ex, ex);
        }
    }

    private static <T> T require(final T object, final String what) throws IOException
    {
        if (object == null)
        {
            throw new IOException("DiSNI could not create the " + what);
        }
        return object;
    }

    @Override
    public synchronized Region register(final long address, final int length, final int access) throws IOException
    {
        int flags = 0;
        flags |= (access & ACCESS_LOCAL_WRITE) != 0 ? IbvMr.IBV_ACCESS_LOCAL_WRITE : 0;
        flags |= (access & ACCESS_REMOTE_WRITE) != 0 ? IbvMr.IBV_ACCESS_REMOTE_WRITE : 0;
        flags |= (access & ACCESS_REMOTE_READ) != 0 ? IbvMr.IBV_ACCESS_REMOTE_READ : 0;
        final IbvMr mr = require(pd.regMr(address, length, flags).execute().free().getMr(),
            "memory region of " + length + " bytes");
        final Region region = new Region(mr.getAddr(), mr.getLength(), mr.getLkey(), mr.getRkey());
        regions.put(region, mr);
        return region;
    }

    @Override
    public synchronized void deregister(final Region region)
    {
        final IbvMr mr = regions.remove(region);
        if (mr != null)
        {
            try
            {
                mr.deregMr().execute().free();
            }
            catch (final IOException ex)
            {
                LOG.warn("deregistering {} bytes at {}: {}", region.length(), region.address(), ex.getMessage());
            }
        }
    }

    @Override
    public QueuePair connect(final InetSocketAddress peer, final QueuePairSetup setup, final long timeoutMillis)
        throws IOException
    {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        final RdmaEventChannel channel = require(RdmaEventChannel.createEventChannel(), "rdma_cm event channel");
        RdmaCmId id = null;
        DisniQueuePair pair = null;
        try
        {
            id = require(channel.createId(RdmaCm.RDMA_PS_TCP), "rdma_cm id");
            id.resolveAddr(null, peer, RESOLVE_TIMEOUT_MS);
            await(channel, id, EventType.RDMA_CM_EVENT_ADDR_RESOLVED, deadline, "resolve " + peer);
            id.resolveRoute(RESOLVE_TIMEOUT_MS);
            await(channel, id, EventType.RDMA_CM_EVENT_ROUTE_RESOLVED, deadline, "resolve the route to " + peer);
            pair = new DisniQueuePair(id, channel, require(id.createQP(pd, queuePairAttributes()), "queue pair"));
            setup.beforeConnect(pair);
            id.connect(connectionParameters());
            await(channel, id, EventType.RDMA_CM_EVENT_ESTABLISHED, deadline, "connect to " + peer);
            queuePairs.add(pair);
            return pair;
        }
        catch (final IOException | RuntimeException ex)
        {
            if (pair != null)
            {
                pair.close();
            }
            else
            {
                destroy(id, channel);
            }
            throw ex;
        }
    }

    @Override
    public QueuePair accept(final QueuePairSetup setup, final long timeoutMillis) throws IOException
    {
        final long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        RdmaCmId id = connectRequests.poll();
        while (id == null)
        {
            final RdmaCmEvent event = nextEvent(listenChannel, deadline);
            if (event == null)
            {
                return null;
            }
            handleListenEvent(event);
            id = connectRequests.poll();
        }
        final DisniQueuePair pair;
        try
        {
            pair = new DisniQueuePair(id, null, require(id.createQP(pd, queuePairAttributes()), "queue pair"));
        }
        catch (final IOException | RuntimeException ex)
        {
            destroy(id, null);
            throw ex;
        }
        try
        {
            setup.beforeConnect(pair);
            id.accept(connectionParameters());
            await(listenChannel, id, EventType.RDMA_CM_EVENT_ESTABLISHED, deadline, "accept a connection on " +
                listenAddress);
        }
        catch (final IOException | RuntimeException ex)
        {
            pair.close();
            throw ex;
        }
        queuePairs.add(pair);
        return pair;
    }

    private IbvQPInitAttr queuePairAttributes()
    {
        final IbvQPInitAttr attributes = new IbvQPInitAttr();
        attributes.cap().setMax_send_wr(sendDepth);
        attributes.cap().setMax_recv_wr(recvDepth);
        attributes.cap().setMax_send_sge(1);
        attributes.cap().setMax_recv_sge(1);
        attributes.setQp_type(IbvQP.IBV_QPT_RC);
        attributes.setSend_cq(cq);
        attributes.setRecv_cq(cq);
        return attributes;
    }

    private static RdmaConnParam connectionParameters() throws IOException
    {
        final RdmaConnParam parameters = new RdmaConnParam();
        parameters.setRetry_count(RETRY_COUNT);
        parameters.setRnr_retry_count(RNR_RETRY);
        parameters.setInitiator_depth(READ_DEPTH);
        parameters.setResponder_resources(READ_DEPTH);
        return parameters;
    }

    /** Waits for {@code expected} on {@code id}; connection requests and disconnections seen meanwhile are kept. */
    private void await(final RdmaEventChannel channel, final RdmaCmId id, final EventType expected, final long deadline,
        final String what) throws IOException
    {
        while (true)
        {
            final RdmaCmEvent event = nextEvent(channel, deadline);
            if (event == null)
            {
                throw new IOException("timed out trying to " + what);
            }
            final int type = event.getEvent();
            final RdmaCmId about = event.getConnIdPriv();
            if (type == expected.ordinal() && (channel != listenChannel || about == id))
            {
                return;
            }
            if (channel == listenChannel && about != id)
            {
                handleListenEvent(event);
                continue;
            }
            throw new IOException("could not " + what + ": rdma_cm reported " + eventName(type) +
                (event.getStatus() != 0 ? " (status " + event.getStatus() + ")" : ""));
        }
    }

    /** The next event of {@code channel}, acknowledged, or null once {@code deadline} passed (now: no wait). */
    private static RdmaCmEvent nextEvent(final RdmaEventChannel channel, final long deadline) throws IOException
    {
        while (true)
        {
            final long leftMillis = (deadline - System.nanoTime()) / 1_000_000L;
            final RdmaCmEvent event = channel.getCmEvent((int)Math.max(0, Math.min(100, leftMillis)));
            if (event != null)
            {
                event.ackEvent();
                return event;
            }
            if (leftMillis <= 0)
            {
                return null;
            }
        }
    }

    private void handleListenEvent(final RdmaCmEvent event)
    {
        if (event.getEvent() == EventType.RDMA_CM_EVENT_CONNECT_REQUEST.ordinal())
        {
            connectRequests.add(event.getConnIdPriv());
        }
        else
        {
            onConnectionEvent(event);
        }
    }

    private void onConnectionEvent(final RdmaCmEvent event)
    {
        if (event.getEvent() == EventType.RDMA_CM_EVENT_DISCONNECTED.ordinal())
        {
            for (final DisniQueuePair pair : queuePairs)
            {
                if (pair.id == event.getConnIdPriv())
                {
                    pair.disconnect();
                }
            }
        }
    }

    private static String eventName(final int type)
    {
        final EventType[] types = EventType.values();
        return type >= 0 && type < types.length ? types[type].name() : "event " + type;
    }

    @Override
    public int poll(final CompletionHandler handler) throws IOException
    {
        checkConnectionEvents();
        final int count = pollCall.execute().getPolls();
        // Copy out at once: DiSNI reuses the IbvWC objects, and leaves byte_len stale on an error.
        for (int i = 0; i < count; i++)
        {
            wrIds[i] = wcs[i].getWr_id();
            statuses[i] = wcs[i].getStatus();
            opcodes[i] = wcs[i].getOpcode();
            lengths[i] = statuses[i] == WcStatus.SUCCESS ? wcs[i].getByte_len() : 0;
        }
        for (int i = 0; i < count; i++)
        {
            handler.onCompletion(wrIds[i], statuses[i], opcodes[i], lengths[i]);
        }
        return count;
    }

    private void checkConnectionEvents() throws IOException
    {
        final long now = System.nanoTime();
        if (now - nextCmCheck < 0)
        {
            return;
        }
        nextCmCheck = now + CM_CHECK_NANOS;
        RdmaCmEvent event;
        while ((event = nextEvent(listenChannel, now)) != null)
        {
            handleListenEvent(event);
        }
        for (final DisniQueuePair pair : queuePairs)
        {
            while (pair.channel != null && !pair.closed && (event = nextEvent(pair.channel, now)) != null)
            {
                onConnectionEvent(event);
            }
        }
    }

    @Override
    public void close()
    {
        for (final DisniQueuePair pair : queuePairs)
        {
            pair.close();
        }
        synchronized (this)
        {
            for (final Region region : List.copyOf(regions.keySet()))
            {
                deregister(region);
            }
        }
        try
        {
            cq.destroyCQ();
            compChannel.destroyCompChannel();
            pd.deallocPd();
        }
        catch (final Exception ex)
        {
            LOG.warn("freeing the RDMA device resources of {}: {}", listenAddress, ex.getMessage());
        }
        destroy(listenId, listenChannel);
    }

    private static void destroy(final RdmaCmId id, final RdmaEventChannel channel)
    {
        try
        {
            if (id != null)
            {
                id.destroyId();
            }
            if (channel != null)
            {
                channel.destroyEventChannel();
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("destroying an rdma_cm id: {}", ex.getMessage());
        }
    }

    private static LinkedList<IbvSge> scatter(final long address, final int length, final int lkey)
    {
        final IbvSge sge = new IbvSge();
        sge.setAddr(address);
        sge.setLength(length);
        sge.setLkey(lkey);
        final LinkedList<IbvSge> list = new LinkedList<>();
        list.add(sge);
        return list;
    }

    /** One connection: its rdma_cm id, its own event channel when this side connected, and its queue pair. */
    private final class DisniQueuePair implements QueuePair
    {
        final RdmaCmId id;
        final RdmaEventChannel channel;
        final IbvQP qp;
        volatile boolean closed;
        private boolean disconnected;

        DisniQueuePair(final RdmaCmId id, final RdmaEventChannel channel, final IbvQP qp)
        {
            this.id = id;
            this.channel = channel;
            this.qp = qp;
        }

        @Override
        public void postRecv(final long wrId, final long address, final int length, final int lkey) throws IOException
        {
            final IbvRecvWR wr = new IbvRecvWR();
            wr.setWr_id(wrId);
            wr.setSg_list(scatter(address, length, lkey));
            wr.setNum_sge(1);
            qp.postRecv(List.of(wr), null).execute().free();
        }

        @Override
        public void postSend(final long wrId, final long address, final int length, final int lkey) throws IOException
        {
            post(wrId, IbvSendWR.IBV_WR_SEND, address, length, lkey, 0, 0);
        }

        @Override
        public void postRead(final long wrId, final long localAddress, final int length, final int lkey,
            final long remoteAddress, final int rkey) throws IOException
        {
            post(wrId, IbvSendWR.IBV_WR_RDMA_READ, localAddress, length, lkey, remoteAddress, rkey);
        }

        @Override
        public void postWrite(final long wrId, final long localAddress, final int length, final int lkey,
            final long remoteAddress, final int rkey) throws IOException
        {
            post(wrId, IbvSendWR.IBV_WR_RDMA_WRITE, localAddress, length, lkey, remoteAddress, rkey);
        }

        private void post(final long wrId, final int opcode, final long address, final int length, final int lkey,
            final long remoteAddress, final int rkey) throws IOException
        {
            final IbvSendWR wr = new IbvSendWR();
            wr.setWr_id(wrId);
            wr.setSg_list(scatter(address, length, lkey));
            wr.setNum_sge(1);
            wr.setOpcode(opcode);
            wr.setSend_flags(IbvSendWR.IBV_SEND_SIGNALED);
            wr.getRdma().setRemote_addr(remoteAddress);
            wr.getRdma().setRkey(rkey);
            qp.postSend(List.of(wr), null).execute().free();
        }

        @Override
        public synchronized void disconnect()
        {
            if (disconnected)
            {
                return;
            }
            disconnected = true;
            try
            {
                // rdma_disconnect moves the queue pair to the error state: its posted work flushes.
                id.disconnect();
            }
            catch (final IOException ex)
            {
                LOG.warn("disconnecting from {}: {}", id, ex.getMessage());
            }
        }

        @Override
        public synchronized void close()
        {
            if (closed)
            {
                return;
            }
            disconnect();
            closed = true;
            queuePairs.remove(this);
            try
            {
                id.destroyQP();
            }
            catch (final IOException ex)
            {
                LOG.warn("destroying the queue pair of {}: {}", id, ex.getMessage());
            }
            destroy(id, channel);
        }
    }
}
