package io.nups.transport;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static io.nups.transport.ShmControlDescriptor.AWAKE;
import static io.nups.transport.ShmControlDescriptor.SLEEPING;
import static io.nups.transport.ShmControlDescriptor.SLEEPING_OFFSET;

/**
 * Receiver side of a node's doorbell: lets its receiver thread sleep until a peer writes into its ring. A
 * parked thread on Linux sleeps at least the kernel's timer slack (about 50 µs), and senders in other
 * processes cannot unpark it, so the receiver blocks in a {@link Selector} on a UNIX-domain socket
 * ({@code r<rank>.bell}) that every peer connects to once; a peer that finds the receiver asleep writes one
 * byte ({@link ShmBellRinger}), and the kernel wakes the receiver at once.
 * <p>
 * Protocol, on the sleeping word of the receiver's control file ({@link ShmControlDescriptor}):
 * <ol>
 *   <li>the receiver stores {@code SLEEPING} (volatile), checks its ring once more (producer against
 *   consumer position, both volatile) and, only if it is still empty, selects (bounded);</li>
 *   <li>a sender writes its message (the ring claims space with a compare-and-set on the producer
 *   position), then reads the word (volatile); if it is {@code SLEEPING} and its compare-and-set to
 *   {@code AWAKE} succeeds, it rings: one sender per sleep pays the system call, a busy receiver costs
 *   senders one volatile read;</li>
 *   <li>the receiver, woken by a byte or the bound, stores {@code AWAKE} and drains the bytes.</li>
 * </ol>
 * Both sides store then load in opposite order, all sequentially consistent, so either the receiver sees
 * the message or the sender sees the sleeper: no wake-up is lost. A stray byte (a ring that lands after a
 * timeout) only makes the next sleep return at once. Sleeps stay bounded so heartbeats and liveness checks
 * keep running even if a peer died between setting a message and ringing.
 */
final class ShmBell implements AutoCloseable
{
    private final AtomicBuffer control;
    private final RingBuffer inbound;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
    private final Consumer<SelectionKey> onReady = this::onReady;
    private volatile boolean stopped;

    private ShmBell(final AtomicBuffer control, final RingBuffer inbound, final ServerSocketChannel server,
        final Selector selector)
    {
        this.control = control;
        this.inbound = inbound;
        this.server = server;
        this.selector = selector;
    }

    /**
     * Binds the bell at {@code path}, replacing a socket file left there: the caller owns this rank (a live
     * owner's files refuse the start), and a socket file outlives its process, which bind would refuse.
     * {@code backlog} is the number of peers, so every connect completes even before the first accept.
     */
    static ShmBell bind(final Path path, final int backlog, final AtomicBuffer control, final RingBuffer inbound)
    {
        ServerSocketChannel server = null;
        Selector selector = null;
        try
        {
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path), Math.max(1, backlog));
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            return new ShmBell(control, inbound, server, selector);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(selector, server);
            throw new TransportException("cannot bind the shm doorbell socket " + path + ": " + ex, ex);
        }
    }

    /**
     * Receiver thread: sleeps up to {@code maxMillis} unless the ring holds a message or {@link #stop()} was
     * called, waking early when a peer rings.
     */
    void sleep(final long maxMillis)
    {
        control.putIntVolatile(SLEEPING_OFFSET, SLEEPING);
        try
        {
            if (!stopped && inbound.producerPosition() == inbound.consumerPosition())
            {
                selector.select(onReady, maxMillis);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("shm doorbell select failed", ex);
        }
        finally
        {
            control.putIntRelease(SLEEPING_OFFSET, AWAKE);
        }
    }

    /** True while the receiver announces a sleep (peers ring then). */
    boolean sleeping()
    {
        return control.getIntVolatile(SLEEPING_OFFSET) == SLEEPING;
    }

    /** Any thread: ends the current sleep and makes later ones return at once (the receiver is stopping). */
    void stop()
    {
        stopped = true;
        selector.wakeup();
    }

    private void onReady(final SelectionKey key)
    {
        if (key.isAcceptable())
        {
            accept();
        }
        else if (key.isReadable())
        {
            drain(key);
        }
    }

    /** A peer attached: its channel joins the selector (once per peer, so the allocation does not matter). */
    private void accept()
    {
        try
        {
            final SocketChannel channel = server.accept();
            if (channel != null)
            {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("shm doorbell cannot accept a peer", ex);
        }
    }

    /** Discards the wake-up bytes; a peer that closed its end is gone (its liveness check reports that). */
    private void drain(final SelectionKey key)
    {
        final SocketChannel channel = (SocketChannel)key.channel();
        try
        {
            int read;
            do
            {
                drain.clear();
                read = channel.read(drain);
            }
            while (read > 0);
            if (read < 0)
            {
                channel.close();
            }
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
        }
    }

    /** Closes the selector and every channel; the caller deletes the socket file with its other files. */
    @Override
    public void close()
    {
        stop();
        for (final SelectionKey key : selector.keys())
        {
            CloseHelper.quietClose(key.channel());
        }
        CloseHelper.quietCloseAll(selector, server);
    }
}
