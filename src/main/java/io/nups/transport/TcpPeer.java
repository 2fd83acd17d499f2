package io.nups.transport;

import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import static io.nups.transport.TcpFrameDescriptor.HEADER_LENGTH;
import static io.nups.transport.TcpFrameDescriptor.LENGTH_OFFSET;
import static io.nups.transport.TcpFrameDescriptor.TYPE_OFFSET;

/**
 * One TCP connection to a peer: an outbox that any thread appends whole frames to under the peer's
 * monitor (so frames from all threads stay FIFO), flushed by the appending thread when it can and by the
 * I/O thread otherwise, and an inbox the I/O thread reads frames from.
 */
final class TcpPeer
{
    private static final int INITIAL_OUTBOX = 64 * 1024;
    /** The inbox starts small and grows to a frame's length once its header passed the length check. */
    private static final int INITIAL_INBOX = 64 * 1024;

    final int rank;
    final String address;
    final SocketChannel channel;
    private ByteBuffer inbox;
    private final int maxFrame;
    private final int maxOutbox;
    private final long sendTimeoutNanos;
    private ByteBuffer outbox;
    private SelectionKey key;
    private boolean writeInterest;
    volatile boolean saidGoodbye;
    volatile String failure;

    TcpPeer(final int rank, final String address, final SocketChannel channel, final int maxFrame,
        final int maxOutbox, final long sendTimeoutNanos)
    {
        this.rank = rank;
        this.address = address;
        this.channel = channel;
        this.inbox = ByteBuffer.allocateDirect(Math.min(INITIAL_INBOX, maxFrame)).order(ByteOrder.LITTLE_ENDIAN);
        this.maxFrame = maxFrame;
        this.maxOutbox = maxOutbox;
        this.sendTimeoutNanos = sendTimeoutNanos;
        this.outbox = ByteBuffer.allocateDirect(INITIAL_OUTBOX).order(ByteOrder.LITTLE_ENDIAN);
    }

    String name()
    {
        return "node " + rank + " (" + address + ")";
    }

    /** The buffer the I/O thread reads frames into; only that thread uses it. */
    ByteBuffer inbox()
    {
        return inbox;
    }

    /**
     * Makes room for a whole frame of {@code frameLength} bytes (already checked against the frame limit),
     * keeping the bytes read so far, which start at position 0.
     */
    void growInbox(final int frameLength)
    {
        if (frameLength <= inbox.capacity())
        {
            return;
        }
        final int doubled = inbox.capacity() <= maxFrame / 2 ? inbox.capacity() * 2 : maxFrame;
        final ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(frameLength, doubled)).order(ByteOrder.LITTLE_ENDIAN);
        inbox.flip();
        bigger.put(inbox);
        BufferUtil.free(inbox);
        inbox = bigger;
    }

    synchronized void attach(final SelectionKey key)
    {
        this.key = key;
    }

    /**
     * Reserves room for a frame of {@code frameLength} bytes in the outbox, writes its header, and returns
     * the outbox address of the frame's start; the caller fills the body and calls {@link #commit}.
     * Must hold this peer's monitor.
     */
    long beginFrame(final int frameLength, final byte type)
    {
        ensureRoom(frameLength);
        final int start = outbox.position();
        outbox.putInt(start + LENGTH_OFFSET, frameLength);
        outbox.put(start + TYPE_OFFSET, type);
        outbox.put(start + TYPE_OFFSET + 1, (byte)0);
        outbox.putShort(start + TYPE_OFFSET + 2, (short)0);
        return BufferUtil.address(outbox) + start;
    }

    /** Completes the frame begun with {@link #beginFrame} and flushes what the socket takes now. */
    void commit(final int frameLength)
    {
        outbox.position(outbox.position() + frameLength);
        flush();
    }

    ByteBuffer outbox()
    {
        return outbox;
    }

    private void ensureRoom(final int bytes)
    {
        if (outbox.remaining() >= bytes)
        {
            return;
        }
        final long deadline = System.nanoTime() + sendTimeoutNanos;
        while (outbox.position() + bytes > maxOutbox && outbox.position() > 0)
        {
            checkAlive();
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new TransportException("send to " + name() + " timed out after " +
                    TimeUnit.NANOSECONDS.toSeconds(sendTimeoutNanos) + " s: " + outbox.position() +
                    " bytes still queued (the peer is not reading)");
            }
            flush();
            if (outbox.position() + bytes > maxOutbox && outbox.position() > 0)
            {
                try
                {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)))));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new TransportException("interrupted while sending to " + name(), ex);
                }
            }
        }
        if (outbox.remaining() < bytes)
        {
            int capacity = outbox.capacity();
            while (capacity - outbox.position() < bytes)
            {
                capacity *= 2;
            }
            final ByteBuffer bigger = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            outbox.flip();
            bigger.put(outbox);
            BufferUtil.free(outbox);
            outbox = bigger;
        }
    }

    /** Writes what the socket accepts without blocking; asks the I/O thread to finish the rest. */
    synchronized void flush()
    {
        if (outbox.position() == 0 || failure != null)
        {
            return;
        }
        outbox.flip();
        try
        {
            channel.write(outbox);
        }
        catch (final IOException ex)
        {
            outbox.clear();
            failure = "write failed: " + ex.getMessage();
            return;
        }
        finally
        {
            outbox.compact();
        }
        final boolean pending = outbox.position() > 0;
        if (pending != writeInterest && key != null && key.isValid())
        {
            writeInterest = pending;
            key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            if (pending)
            {
                key.selector().wakeup();
            }
        }
        if (!pending)
        {
            notifyAll();
        }
    }

    synchronized boolean hasQueuedBytes()
    {
        return outbox.position() > 0;
    }

    void checkAlive()
    {
        final String reason = failure;
        if (reason != null)
        {
            throw new TransportException(name() + " is lost: " + reason);
        }
    }

    void copyToOutbox(final long frameAddress, final int frameOffset, final long source, final int length)
    {
        UnsafeApi.copyMemory(source, frameAddress + frameOffset, length);
    }

    synchronized void free()
    {
        BufferUtil.free(outbox);
        BufferUtil.free(inbox);
    }
}
