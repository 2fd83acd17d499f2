package io.nups.transport.rdma;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network of {@link VerbsDouble} devices in this JVM, and the one place tests outside this package build
 * {@link RdmaTransport}s over the double. Posted work runs on one wire thread ({@code verbs-double-wire}), in
 * posting order, after an injectable delay. Not RDMA: a test over it tests the transport's logic only.
 */
public final class VerbsFabric implements AutoCloseable
{
    private static final AtomicInteger PORTS = new AtomicInteger(7000);

    private final Map<InetSocketAddress, VerbsDouble> listeners = new ConcurrentHashMap<>();
    private final Map<Integer, VerbsDouble> devices = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Runnable> wire = new LinkedBlockingQueue<>();
    private final Thread wireThread;
    private final int port = PORTS.getAndAdd(100);
    /** Sends that found no posted receive. */
    final AtomicInteger rnr = new AtomicInteger();
    private volatile long delayNanos;
    private volatile boolean closed;

    public VerbsFabric()
    {
        wireThread = new Thread(this::runWire, "verbs-double-wire");
        wireThread.setDaemon(true);
        wireThread.start();
    }

    /** Node {@code rank}'s address: 10.0.0.(rank + 1), a port of this fabric's own. */
    public InetSocketAddress address(final int rank)
    {
        return new InetSocketAddress("10.0.0." + (rank + 1), port + rank);
    }

    public List<InetSocketAddress> addresses(final int nodes)
    {
        final List<InetSocketAddress> all = new ArrayList<>();
        for (int rank = 0; rank < nodes; rank++)
        {
            all.add(address(rank));
        }
        return all;
    }

    /** A transport of node {@code rank} of {@code nodes} over this fabric, with its peers' addresses set. */
    public RdmaTransport transport(final int rank, final int nodes, final RdmaOptions options)
    {
        final RdmaTransport transport = new RdmaTransport(rank, nodes, address(rank), options,
            (listen, sendDepth, receiveDepth, queueSize) ->
            {
                final VerbsDouble device = new VerbsDouble(this, listen, sendDepth, receiveDepth);
                if (listeners.putIfAbsent(listen, device) != null)
                {
                    throw new java.io.IOException("address " + listen + " in use");
                }
                devices.put(rank, device);
                return device;
            });
        transport.peerAddresses(addresses(nodes));
        return transport;
    }

    /** Small buffers and depths, so that credits run out and messages fragment in every test. */
    public static RdmaOptions smallOptions()
    {
        return RdmaOptions.DEFAULT.withBuffers(4096, 8).withLimits(1 << 20, 1 << 20, 8 << 20)
            .withConnectTimeout(java.time.Duration.ofSeconds(10));
    }

    /** Delays every piece of posted work by {@code micros} (order stays). */
    public void delay(final long micros)
    {
        delayNanos = TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /** Sends that found no receive posted (a credit bug); 0 in every correct run. */
    public int receiverNotReady()
    {
        return rnr.get();
    }

    VerbsDouble device(final int rank)
    {
        return devices.get(rank);
    }

    VerbsDouble listener(final InetSocketAddress address)
    {
        return listeners.get(address);
    }

    void remove(final InetSocketAddress address, final VerbsDouble device)
    {
        listeners.remove(address, device);
    }

    void execute(final Runnable work)
    {
        wire.add(work);
    }

    private void runWire()
    {
        while (!closed)
        {
            try
            {
                final Runnable work = wire.poll(10, TimeUnit.MILLISECONDS);
                if (work != null)
                {
                    final long delay = delayNanos;
                    if (delay > 0)
                    {
                        TimeUnit.NANOSECONDS.sleep(delay);
                    }
                    work.run();
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    /** Stops the wire thread (after the transports over it closed). */
    @Override
    public void close() throws InterruptedException
    {
        closed = true;
        wireThread.join(TimeUnit.SECONDS.toMillis(5));
    }
}
