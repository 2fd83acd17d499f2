package io.nups.transport.rdma;

import org.agrona.UnsafeApi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Verbs} in memory, for tests: one node's "device". Queue pairs connect through a {@link VerbsFabric} in this
 * JVM; the fabric's wire thread executes posted work in order, as a reliable connected queue pair does. It keeps
 * the verbs rules the transport relies on: a SEND consumes the peer's oldest posted receive (none posted: the
 * sender fails with IBV_WC_RNR_RETRY_EXC_ERR, and the fabric counts it); a receive too small fails with
 * IBV_WC_LOC_LEN_ERR; READ and WRITE need the remote region's rkey, its access right and bounds (else
 * IBV_WC_REM_ACCESS_ERR); local buffers need their lkey (else IBV_WC_LOC_PROT_ERR); any failed completion puts the
 * queue pair in the error state, where its receives and everything posted later flush; a disconnection flushes
 * both sides. Tests inject completion errors and delays. Not RDMA: nothing here proves DiSNI or a NIC works.
 */
final class VerbsDouble implements Verbs
{
    private static final AtomicInteger KEYS = new AtomicInteger();

    private final VerbsFabric fabric;
    private final InetSocketAddress listen;
    private final int sendDepth;
    private final int receiveDepth;
    private final ConcurrentLinkedQueue<long[]> completions = new ConcurrentLinkedQueue<>();
    private final Map<Integer, long[]> byRkey = new ConcurrentHashMap<>();
    private final Map<Integer, long[]> byLkey = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<ConnectRequest> requests = new LinkedBlockingQueue<>();
    private final List<QueuePairDouble> queuePairs = new CopyOnWriteArrayList<>();
    /** Opcodes of the one-sided work this device executed, in order. */
    final List<Integer> oneSidedExecuted = new CopyOnWriteArrayList<>();
    /** Injected failures: {opcode, status}, each used by the next executed work of that opcode on this device. */
    private final ConcurrentLinkedQueue<int[]> injected = new ConcurrentLinkedQueue<>();

    VerbsDouble(final VerbsFabric fabric, final InetSocketAddress listen, final int sendDepth, final int receiveDepth)
    {
        this.fabric = fabric;
        this.listen = listen;
        this.sendDepth = sendDepth;
        this.receiveDepth = receiveDepth;
    }

    /** The next work of {@code opcode} (a Verbs.OPCODE_*) executed on this device completes with {@code status}. */
    void inject(final int opcode, final int status)
    {
        injected.add(new int[]{opcode, status});
    }

    /** As if this node's process died: every connection drops without a word. */
    void crash()
    {
        queuePairs.forEach(QueuePairDouble::disconnect);
    }

    @Override
    public Region register(final long address, final int length, final int access)
    {
        final int key = KEYS.incrementAndGet();
        // lkey and rkey differ, so a transport that hands out the lkey is caught by the rkey check.
        final Region region = new Region(address, length, 0x1000 + key, 0x7000_0000 + key);
        final long[] entry = {address, length, access, region.lkey(), region.rkey()};
        byRkey.put(region.rkey(), entry);
        byLkey.put(region.lkey(), entry);
        return region;
    }

    /** The rkey of the region registered at {@code address}, or -1. */
    int rkeyAt(final long address)
    {
        return byRkey.values().stream().filter(e -> e[0] == address).mapToInt(e -> (int)e[4]).findFirst().orElse(-1);
    }

    @Override
    public void deregister(final Region region)
    {
        byRkey.remove(region.rkey());
        byLkey.remove(region.lkey());
    }

    @Override
    public QueuePair connect(final InetSocketAddress peer, final QueuePairSetup setup, final long timeoutMillis)
        throws IOException
    {
        final VerbsDouble listener = fabric.listener(peer);
        if (listener == null)
        {
            throw new IOException("rdma_cm reported RDMA_CM_EVENT_REJECTED: nobody listens at " + peer);
        }
        final QueuePairDouble local = new QueuePairDouble(this);
        setup.beforeConnect(local);
        final ConnectRequest request = new ConnectRequest(local);
        listener.requests.add(request);
        try
        {
            if (!request.accepted.await(timeoutMillis, TimeUnit.MILLISECONDS) && request.claimed.compareAndSet(0, 2))
            {
                throw new IOException("timed out trying to connect to " + peer);
            }
            request.accepted.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ex);
        }
        queuePairs.add(local);
        return local;
    }

    @Override
    public QueuePair accept(final QueuePairSetup setup, final long timeoutMillis) throws IOException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true)
        {
            final ConnectRequest request;
            try
            {
                request = requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            }
            if (request == null)
            {
                return null;
            }
            if (!request.claimed.compareAndSet(0, 1))
            {
                continue; // the connecting side gave up on it
            }
            final QueuePairDouble local = new QueuePairDouble(this);
            setup.beforeConnect(local);
            local.remote = request.local;
            request.local.remote = local;
            queuePairs.add(local);
            request.accepted.countDown();
            return local;
        }
    }

    @Override
    public int poll(final CompletionHandler handler)
    {
        int count = 0;
        long[] c;
        while (count < 64 && (c = completions.poll()) != null)
        {
            handler.onCompletion(c[0], (int)c[1], (int)c[2], (int)c[3]);
            count++;
        }
        return count;
    }

    @Override
    public void close()
    {
        fabric.remove(listen, this);
    }

    private void complete(final long wrId, final int status, final int opcode, final int length)
    {
        completions.add(new long[]{wrId, status, opcode, status == WcStatus.SUCCESS ? length : 0});
    }

    /** The region entry registered under {@code key} that covers the range with the access, else null. */
    private static long[] covering(final Map<Integer, long[]> regions, final int key, final long address,
        final int length, final int access)
    {
        final long[] entry = regions.get(key);
        if (entry == null || (entry[2] & access) != access || address < entry[0] || address + length > entry[0] + entry[1])
        {
            return null;
        }
        return entry;
    }

    private int injectedStatus(final int opcode)
    {
        for (final int[] injection : injected)
        {
            if (injection[0] == opcode && injected.remove(injection))
            {
                return injection[1];
            }
        }
        return WcStatus.SUCCESS;
    }

    private record ConnectRequest(QueuePairDouble local, CountDownLatch accepted, AtomicInteger claimed)
    {
        ConnectRequest(final QueuePairDouble local)
        {
            this(local, new CountDownLatch(1), new AtomicInteger());
        }
    }

    /** One side of a connection. */
    final class QueuePairDouble implements QueuePair
    {
        private final VerbsDouble device;
        volatile QueuePairDouble remote;
        private final ArrayDeque<long[]> receives = new ArrayDeque<>();
        private final AtomicInteger outstanding = new AtomicInteger();
        private volatile boolean error;

        QueuePairDouble(final VerbsDouble device)
        {
            this.device = device;
        }

        @Override
        public void postRecv(final long wrId, final long address, final int length, final int lkey) throws IOException
        {
            synchronized (this)
            {
                if (!error)
                {
                    if (receives.size() == receiveDepth)
                    {
                        throw new IOException("receive queue full (" + receiveDepth + ")");
                    }
                    receives.add(new long[]{wrId, address, length, lkey});
                    return;
                }
            }
            device.complete(wrId, WcStatus.WR_FLUSH_ERR, OPCODE_RECV, 0);
        }

        @Override
        public void postSend(final long wrId, final long address, final int length, final int lkey) throws IOException
        {
            post(wrId, OPCODE_SEND, address, length, lkey, 0, 0);
        }

        @Override
        public void postRead(final long wrId, final long localAddress, final int length, final int lkey,
            final long remoteAddress, final int rkey) throws IOException
        {
            post(wrId, OPCODE_RDMA_READ, localAddress, length, lkey, remoteAddress, rkey);
        }

        @Override
        public void postWrite(final long wrId, final long localAddress, final int length, final int lkey,
            final long remoteAddress, final int rkey) throws IOException
        {
            post(wrId, OPCODE_RDMA_WRITE, localAddress, length, lkey, remoteAddress, rkey);
        }

        private void post(final long wrId, final int opcode, final long address, final int length, final int lkey,
            final long remoteAddress, final int rkey) throws IOException
        {
            if (outstanding.incrementAndGet() > sendDepth)
            {
                outstanding.decrementAndGet();
                throw new IOException("send queue full (" + sendDepth + ")");
            }
            fabric.execute(() ->
            {
                outstanding.decrementAndGet();
                execute(wrId, opcode, address, length, lkey, remoteAddress, rkey);
            });
        }

        /** On the wire thread, in posting order. */
        private void execute(final long wrId, final int opcode, final long address, final int length, final int lkey,
            final long remoteAddress, final int rkey)
        {
            final QueuePairDouble peer = remote;
            if (error || peer == null)
            {
                device.complete(wrId, WcStatus.WR_FLUSH_ERR, opcode, 0);
                return;
            }
            final int injectedStatus = device.injectedStatus(opcode);
            if (injectedStatus != WcStatus.SUCCESS)
            {
                fail(wrId, opcode, injectedStatus);
                return;
            }
            final int access = opcode == OPCODE_RDMA_READ ? ACCESS_LOCAL_WRITE : 0;
            if (covering(device.byLkey, lkey, address, length, access) == null)
            {
                fail(wrId, opcode, WcStatus.LOC_PROT_ERR);
                return;
            }
            switch (opcode)
            {
                case OPCODE_SEND -> send(peer, wrId, address, length);
                case OPCODE_RDMA_READ, OPCODE_RDMA_WRITE ->
                {
                    final boolean read = opcode == OPCODE_RDMA_READ;
                    device.oneSidedExecuted.add(opcode);
                    if (covering(peer.device.byRkey, rkey, remoteAddress, length, read ? ACCESS_REMOTE_READ :
                        ACCESS_REMOTE_WRITE) == null)
                    {
                        fail(wrId, opcode, WcStatus.REM_ACCESS_ERR);
                        return;
                    }
                    UnsafeApi.copyMemory(read ? remoteAddress : address, read ? address : remoteAddress, length);
                    device.complete(wrId, WcStatus.SUCCESS, opcode, length);
                }
                default -> throw new IllegalStateException("opcode " + opcode);
            }
        }

        private void send(final QueuePairDouble peer, final long wrId, final long address, final int length)
        {
            final long[] receive;
            synchronized (peer)
            {
                receive = peer.error ? null : peer.receives.poll();
            }
            if (receive == null)
            {
                fabric.rnr.incrementAndGet();
                fail(wrId, OPCODE_SEND, peer.error ? WcStatus.RETRY_EXC_ERR : WcStatus.RNR_RETRY_EXC_ERR);
                return;
            }
            final int receiveStatus = peer.device.injectedStatus(OPCODE_RECV);
            if (receiveStatus != WcStatus.SUCCESS || length > receive[2])
            {
                peer.device.complete(receive[0], receiveStatus != WcStatus.SUCCESS ? receiveStatus :
                    WcStatus.LOC_LEN_ERR, OPCODE_RECV, 0);
                peer.toError();
                fail(wrId, OPCODE_SEND, WcStatus.REM_INV_REQ_ERR);
                return;
            }
            UnsafeApi.copyMemory(address, receive[1], length);
            peer.device.complete(receive[0], WcStatus.SUCCESS, OPCODE_RECV, length);
            device.complete(wrId, WcStatus.SUCCESS, OPCODE_SEND, length);
        }

        private void fail(final long wrId, final int opcode, final int status)
        {
            device.complete(wrId, status, opcode, 0);
            toError();
        }

        /** The error state: posted receives flush, later work flushes. */
        private void toError()
        {
            final List<long[]> flushed;
            synchronized (this)
            {
                error = true;
                flushed = List.copyOf(receives);
                receives.clear();
            }
            for (final long[] receive : flushed)
            {
                device.complete(receive[0], WcStatus.WR_FLUSH_ERR, OPCODE_RECV, 0);
            }
        }

        @Override
        public void disconnect()
        {
            toError();
            final QueuePairDouble peer = remote;
            if (peer != null)
            {
                peer.toError();
            }
        }

        @Override
        public void close()
        {
            disconnect();
            device.queuePairs.remove(this);
        }
    }
}
