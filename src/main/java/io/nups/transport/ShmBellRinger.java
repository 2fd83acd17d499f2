package io.nups.transport;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AtomicBuffer;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static io.nups.transport.ShmControlDescriptor.AWAKE;
import static io.nups.transport.ShmControlDescriptor.PID_OFFSET;
import static io.nups.transport.ShmControlDescriptor.SLEEPING;
import static io.nups.transport.ShmControlDescriptor.SLEEPING_OFFSET;

/**
 * Sender side of one peer's doorbell ({@link ShmBell}): after a message is in the peer's ring, wakes the
 * peer's receiver if, and only if, it announced a sleep. Any thread may ring.
 */
final class ShmBellRinger implements AutoCloseable
{
    private final AtomicBuffer peerControl;
    private final SocketChannel channel;
    private final ByteBuffer ding = ByteBuffer.allocateDirect(1);

    private ShmBellRinger(final AtomicBuffer peerControl, final SocketChannel channel)
    {
        this.peerControl = peerControl;
        this.channel = channel;
    }

    /**
     * Connects to the bell of {@code peer} at {@code path}; {@code peerControl} is its mapped control file.
     * The peer binds its bell before it says ready, so a refused connect is final.
     */
    static ShmBellRinger connect(final int rank, final int peer, final Path path, final AtomicBuffer peerControl)
    {
        try
        {
            final SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
            // non-blocking: a full socket buffer never stalls a sender, and an interrupted sender's write
            // neither fails nor closes the channel (only blocking I/O is interruptible)
            channel.configureBlocking(false);
            return new ShmBellRinger(peerControl, channel);
        }
        catch (final IOException ex)
        {
            final long pid = peerControl.getLong(PID_OFFSET);
            final String owner = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ?
                "process " + pid + " runs" : "process " + pid + " is gone: files of a crashed run?";
            throw new TransportException("node " + rank + ": cannot connect to the doorbell of node " + peer + " at " +
                path + " although its control file says ready (" + owner + "): " + ex, ex);
        }
    }

    /** Call after the message is in the peer's ring. Costs one volatile read unless the peer sleeps. */
    void ring()
    {
        if (peerControl.getIntVolatile(SLEEPING_OFFSET) == SLEEPING &&
            peerControl.compareAndSetInt(SLEEPING_OFFSET, SLEEPING, AWAKE))
        {
            press();
        }
    }

    /**
     * Writes one byte. The compare-and-set in {@link #ring()} lets one sender per sleep get here, yet two
     * sleeps in a row can bring two senders, and they share the byte buffer.
     */
    private synchronized void press()
    {
        try
        {
            ding.clear();
            channel.write(ding); // 0 bytes if the socket buffer is full: wake-ups are pending then anyway
        }
        catch (final IOException ex)
        {
            // the peer is gone (or this node closed); its liveness check reports it, a sender must not fail here
        }
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(channel);
    }
}
