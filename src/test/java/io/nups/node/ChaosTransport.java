package io.nups.node;

import io.nups.store.Slab;
import io.nups.store.StoreOptions;
import io.nups.transport.MessageHandler;
import io.nups.transport.OneSidedCompletion;
import io.nups.transport.PeerFailureHandler;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.Transport;
import io.nups.transport.TransportException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Test decorator that delays outgoing messages by seeded random amounts, so that messages of different
 * ordered node pairs overtake each other, while messages of one ordered pair stay FIFO (as the transport
 * contract promises). Each destination has its own queue with non-decreasing release times; one named
 * daemon thread ({@code chaos-r<rank>}) hands released messages to the real transport. Everything else
 * (regions, one-sided operations, start, handlers) goes straight to the delegate.
 *
 * <p>Delays are mostly uniform in {@code [0, maxDelayMicros]}; one message in {@code burstEvery} stalls its
 * queue for up to {@code burstMicros}, like a congested link. One send in {@code stallEvery} also parks the
 * calling thread for up to {@code stallMicros} before the message is queued, as if it were descheduled
 * there: this widens races between threads of one node (a worker's send against the server thread's).
 * {@link #close()} first delivers what is still queued (a barrier release may be among it), then stops the
 * thread and closes the delegate.
 */
final class ChaosTransport implements Transport
{
    /** Sees every message this node sends (before the delay) and receives (before the node does). */
    interface Tap
    {
        void sent(int from, int to, DirectBuffer buffer, int offset, int length);

        void received(int from, int to, DirectBuffer buffer, int offset, int length);
    }

    /**
     * How much chaos; all times in microseconds, "every" 0 = never. {@code messageLimit} &gt; 0 announces a
     * smaller message limit than the real transport's, so that upper layers split their payloads (0 = the
     * transport's own).
     */
    record Options(int maxDelayMicros, int burstEvery, int burstMicros, int stallEvery, int stallMicros,
        int messageLimit)
    {
        /** 0–2 ms per message; one in 200 stalls its link up to 8 ms; one send in 50 parks its caller up to 1 ms. */
        static final Options DEFAULT = new Options(2_000, 200, 8_000, 50, 1_000);
        /** No delay, no stall: only the tap. */
        static final Options NONE = new Options(0, 0, 0, 0, 0);

        Options(final int maxDelayMicros, final int burstEvery, final int burstMicros, final int stallEvery,
            final int stallMicros)
        {
            this(maxDelayMicros, burstEvery, burstMicros, stallEvery, stallMicros, 0);
        }

        Options withMessageLimit(final int bytes)
        {
            return new Options(maxDelayMicros, burstEvery, burstMicros, stallEvery, stallMicros, bytes);
        }
    }

    private static final long FLUSH_ON_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Transport delegate;
    private final Options options;
    private final SplittableRandom random;
    private final Tap tap;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<ArrayDeque<Delayed>> queues = new ArrayList<>();
    private final long[] lastRelease;
    private final Thread scheduler;
    private volatile PeerFailureHandler failureHandler = (peer, reason) -> { };
    private boolean stopping;
    private boolean closed;
    private long delivered;
    private long bursts;

    private record Delayed(long releaseNanos, byte[] bytes)
    {
    }

    ChaosTransport(final Transport delegate, final long seed)
    {
        this(delegate, seed, Options.DEFAULT, null);
    }

    /** @param tap sees every message sent and received, or null */
    ChaosTransport(final Transport delegate, final long seed, final Options options, final Tap tap)
    {
        this.delegate = delegate;
        this.options = options;
        // Each node draws its own delays, derived from the test's seed.
        this.random = new SplittableRandom(seed * 1_000_003L + delegate.rank());
        this.tap = tap;
        for (int peer = 0; peer < delegate.nodes(); peer++)
        {
            queues.add(new ArrayDeque<>());
        }
        this.lastRelease = new long[delegate.nodes()];
        this.scheduler = new Thread(this::deliverLoop, "chaos-r" + delegate.rank());
        scheduler.setDaemon(true);
        scheduler.start();
    }

    @Override
    public void send(final int peer, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > maxMessageLength())
        {
            // Refused synchronously, as the real transport refuses a message over its limit.
            throw new TransportException("message of " + length + " bytes to node " + peer + " exceeds the limit of " +
                maxMessageLength() + " bytes");
        }
        if (tap != null)
        {
            tap.sent(rank(), peer, buffer, offset, length);
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final long stallMicros = stallMicros();
        if (stallMicros > 0)
        {
            LockSupport.parkNanos(stallMicros * 1_000);
        }
        lock.lock();
        try
        {
            if (closed)
            {
                throw new IllegalStateException("chaos transport of node " + rank() + " is closed");
            }
            long delayMicros = random.nextInt(options.maxDelayMicros() + 1);
            if (options.burstEvery() > 0 && random.nextInt(options.burstEvery()) == 0)
            {
                delayMicros += random.nextInt(options.burstMicros() + 1);
                bursts++;
            }
            // Never before the previous message to the same peer: FIFO per ordered pair.
            final long release = Math.max(lastRelease[peer], System.nanoTime() + delayMicros * 1_000);
            lastRelease[peer] = release;
            queues.get(peer).addLast(new Delayed(release, copy));
            changed.signal();
        }
        finally
        {
            lock.unlock();
        }
    }

    private long stallMicros()
    {
        if (options.stallEvery() <= 0)
        {
            return 0;
        }
        lock.lock();
        try
        {
            return random.nextInt(options.stallEvery()) == 0 ? 1 + random.nextInt(options.stallMicros()) : 0;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void deliverLoop()
    {
        final List<Delayed> ready = new ArrayList<>();
        final List<Integer> readyPeers = new ArrayList<>();
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        while (true)
        {
            lock.lock();
            try
            {
                long wakeAt = Long.MAX_VALUE;
                while (ready.isEmpty())
                {
                    final long now = System.nanoTime();
                    boolean empty = true;
                    for (int peer = 0; peer < queues.size(); peer++)
                    {
                        final ArrayDeque<Delayed> queue = queues.get(peer);
                        while (!queue.isEmpty() && (stopping || queue.peekFirst().releaseNanos() <= now))
                        {
                            ready.add(queue.pollFirst());
                            readyPeers.add(peer);
                        }
                        if (!queue.isEmpty())
                        {
                            empty = false;
                            wakeAt = Math.min(wakeAt, queue.peekFirst().releaseNanos());
                        }
                    }
                    if (ready.isEmpty())
                    {
                        if (stopping && empty)
                        {
                            return;
                        }
                        // Bounded wait: a missed signal costs at most 1 ms.
                        changed.awaitNanos(Math.max(1_000, Math.min(wakeAt - now, 1_000_000)));
                        wakeAt = Long.MAX_VALUE;
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            finally
            {
                lock.unlock();
            }
            // Outside the lock, so a slow delegate never blocks senders; one thread keeps per-peer order.
            for (int i = 0; i < ready.size(); i++)
            {
                final byte[] bytes = ready.get(i).bytes();
                view.wrap(bytes);
                try
                {
                    delegate.send(readyPeers.get(i), view, 0, bytes.length);
                    delivered++;
                }
                catch (final RuntimeException ex)
                {
                    // The sender returned long ago: report the loss the way the real transport would.
                    failureHandler.onPeerLost(readyPeers.get(i), "delayed send failed: " + ex.getMessage());
                }
            }
            ready.clear();
            readyPeers.clear();
        }
    }

    /** Messages handed to the real transport so far (read after close for an exact count). */
    long delivered()
    {
        return delivered;
    }

    /** Sends that stalled their link. */
    long bursts()
    {
        lock.lock();
        try
        {
            return bursts;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public int rank()
    {
        return delegate.rank();
    }

    @Override
    public int nodes()
    {
        return delegate.nodes();
    }

    @Override
    public String name()
    {
        return "chaos(" + delegate.name() + ")";
    }

    @Override
    public int maxMessageLength()
    {
        return options.messageLimit() > 0 ? Math.min(options.messageLimit(), delegate.maxMessageLength()) :
            delegate.maxMessageLength();
    }

    @Override
    public StoreOptions slabOptions(final StoreOptions requested)
    {
        return delegate.slabOptions(requested);
    }

    @Override
    public RegionDescriptor register(final Slab slab)
    {
        return delegate.register(slab);
    }

    @Override
    public void addRemoteRegions(final List<RegionDescriptor> regions)
    {
        delegate.addRemoteRegions(regions);
    }

    @Override
    public void messageHandler(final MessageHandler handler)
    {
        if (tap == null)
        {
            delegate.messageHandler(handler);
            return;
        }
        final Object order = new Object();
        delegate.messageHandler((from, buffer, offset, length) ->
        {
            // One at a time, so the tap sees messages in the order the node queues them.
            synchronized (order)
            {
                tap.received(from, rank(), buffer, offset, length);
                handler.onMessage(from, buffer, offset, length);
            }
        });
    }

    @Override
    public void failureHandler(final PeerFailureHandler handler)
    {
        this.failureHandler = handler;
        delegate.failureHandler(handler);
    }

    @Override
    public void start()
    {
        delegate.start();
    }

    @Override
    public void read(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        delegate.read(peer, regionId, offset, length, localAddress, token, completion);
    }

    @Override
    public void write(final int peer, final int regionId, final long offset, final int length, final long localAddress,
        final long token, final OneSidedCompletion completion)
    {
        delegate.write(peer, regionId, offset, length, localAddress, token, completion);
    }

    /** Delivers what is still queued (ignoring delays, bounded), stops the thread, closes the delegate. */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            stopping = true;
            closed = true;
            changed.signal();
        }
        finally
        {
            lock.unlock();
        }
        try
        {
            scheduler.join(TimeUnit.NANOSECONDS.toMillis(FLUSH_ON_CLOSE_NANOS));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (scheduler.isAlive())
        {
            scheduler.interrupt();
        }
        delegate.close();
    }

    /** True once the delivery thread has ended. */
    boolean isStopped()
    {
        return !scheduler.isAlive();
    }
}
