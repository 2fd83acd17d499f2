package io.nups.transport.rdma;

import io.nups.transport.TransportException;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

import static io.nups.transport.rdma.RdmaFrame.*;

/**
 * One connection: its queue pair, its registered receive and send buffers, and the credits between the two nodes.
 * A credit is a receive the peer has posted for this node: every frame spends one, so no send ever finds the
 * peer without a receive. Messages leave two credits unspent: the second to last is for a frame that only returns
 * credits, the last for the goodbye. A node spends its second to last credit only to return at least
 * {@link RdmaOptions#creditThreshold()} credits, so the other side can then always return credits too: two
 * nodes that both ran low never wait for each other, and a goodbye can always be said.
 *
 * <p>Sending state is guarded by this object's monitor; receiving state (reassembly) belongs to the thread that
 * polls completions.
 */
final class RdmaPeer
{
    /** Credits a message leaves unspent. */
    static final int MESSAGE_RESERVE = 2;

    final int connection;
    private final RdmaOptions options;
    private final Verbs verbs;
    private final long memory;
    private final long sendBase;
    private final UnsafeBuffer frames;
    private final Verbs.Region region;
    private final int[] freeSendBuffers;
    private final ExpandableRingBuffer backlog = new ExpandableRingBuffer(0, ExpandableRingBuffer.MAX_CAPACITY, false);
    private final ExpandableRingBuffer.MessageConsumer drainer = this::sendQueued;
    private Verbs.QueuePair queuePair;
    private int freeSendCount;
    private int sendCredits;
    private int owedCredits;
    /** Fragments of the backlog's first message already sent. */
    private int headFragmentsSent;
    private IOException drainFailure;

    /** Rank, once known (at once when this node connected, from the hello when it accepted); then its name. */
    volatile int rank = -1;
    volatile String name;
    volatile boolean helloReceived;
    volatile boolean saidGoodbye;
    /** Why the connection failed; null while it works. Written under the monitor. */
    volatile String failure;

    /** Receive-side reassembly of a fragmented message: polling thread only. */
    private final UnsafeBuffer reassembly = new UnsafeBuffer(new byte[0]);
    private int reassemblyLength;
    private int reassembled;

    RdmaPeer(final int connection, final RdmaOptions options, final Verbs verbs, final String name) throws IOException
    {
        this.connection = connection;
        this.options = options;
        this.verbs = verbs;
        this.name = name;
        final int depth = options.receiveDepth();
        final int bytes = 2 * depth * options.bufferBytes();
        memory = UnsafeApi.allocateMemory(bytes);
        UnsafeApi.setMemory(memory, bytes, (byte)0);
        sendBase = memory + (long)depth * options.bufferBytes();
        frames = new UnsafeBuffer(memory, bytes);
        try
        {
            region = verbs.register(memory, bytes, Verbs.ACCESS_LOCAL_WRITE);
        }
        catch (final IOException | RuntimeException ex)
        {
            UnsafeApi.freeMemory(memory);
            throw ex;
        }
        freeSendBuffers = new int[depth];
        for (int i = 0; i < depth; i++)
        {
            freeSendBuffers[i] = depth - 1 - i;
        }
        freeSendCount = depth;
        sendCredits = depth;
    }

    /** Takes the new queue pair and posts every receive, before the connection is made. */
    void attach(final Verbs.QueuePair queuePair) throws IOException
    {
        this.queuePair = queuePair;
        for (int i = 0; i < options.receiveDepth(); i++)
        {
            postReceive(i);
        }
    }

    Verbs.QueuePair queuePair()
    {
        return queuePair;
    }

    long receiveAddress(final int buffer)
    {
        return memory + (long)buffer * options.bufferBytes();
    }

    UnsafeBuffer frames()
    {
        return frames;
    }

    int frameOffset(final int receiveBuffer)
    {
        return receiveBuffer * options.bufferBytes();
    }

    void postReceive(final int buffer) throws IOException
    {
        queuePair.postRecv(WorkRequests.id(WorkRequests.RECV, connection, buffer), receiveAddress(buffer),
            options.bufferBytes(), region.lkey());
    }

    // ---- sending: all under the monitor ----

    /** Says hello; the first frame of the connection. */
    synchronized void sendHello(final int rank, final int nodes) throws IOException
    {
        final int buffer = takeSendBuffer();
        final int at = sendOffset(buffer);
        frames.putInt(at + HELLO_MAGIC_OFFSET, HELLO_MAGIC, ORDER);
        frames.putInt(at + HELLO_RANK_OFFSET, rank, ORDER);
        frames.putInt(at + HELLO_NODES_OFFSET, nodes, ORDER);
        frames.putInt(at + HELLO_VERSION_OFFSET, PROTOCOL_VERSION, ORDER);
        frames.putInt(at + HELLO_BUFFER_OFFSET, options.bufferBytes(), ORDER);
        frames.putInt(at + HELLO_DEPTH_OFFSET, options.receiveDepth(), ORDER);
        post(buffer, TYPE_HELLO, HELLO_LENGTH, 0);
    }

    /**
     * Sends a message, or queues what cannot go now for lack of credits or buffers; queued messages go first.
     * Returns false if the backlog is over {@code bound} bytes and nothing was done (the caller may wait).
     */
    synchronized boolean send(final DirectBuffer buffer, final int offset, final int length, final long bound)
        throws IOException
    {
        if (!backlog.isEmpty())
        {
            if (backlog.size() + length > bound)
            {
                return false;
            }
            queue(buffer, offset, length);
            return true;
        }
        final int sent = sendFragments(buffer, offset, length, 0);
        if (sent < fragments(length))
        {
            queue(buffer, offset, length);
            headFragmentsSent = sent;
        }
        return true;
    }

    private void queue(final DirectBuffer buffer, final int offset, final int length)
    {
        if (!backlog.append(buffer, offset, length))
        {
            throw new TransportException("send to " + name + ": " + backlog.size() + " bytes already wait for " +
                "credits, no room for " + length + " more");
        }
    }

    /** Frames a message of {@code length} bytes takes (an empty message takes one). */
    private int fragments(final int length)
    {
        return Math.max(1, (length + options.fragmentBytes() - 1) / options.fragmentBytes());
    }

    /**
     * Sends the fragments of {@code message} from fragment {@code first} on, as far as credits and buffers allow;
     * returns how many of its fragments are now sent.
     */
    private int sendFragments(final DirectBuffer message, final int offset, final int length, final int first)
        throws IOException
    {
        final int total = fragments(length);
        int sent = first;
        while (sent < total && sendCredits > MESSAGE_RESERVE && freeSendCount > 0)
        {
            final int from = sent * options.fragmentBytes();
            final int fragment = Math.min(options.fragmentBytes(), length - from);
            final int buffer = takeSendBuffer();
            final long target = sendBase + (long)buffer * options.bufferBytes() + HEADER_LENGTH;
            UnsafeApi.copyMemory(message.byteArray(), message.addressOffset() + offset + from, null, target, fragment);
            post(buffer, TYPE_MESSAGE, HEADER_LENGTH + fragment, length);
            sent++;
        }
        return sent;
    }

    /** Sends queued messages while credits and buffers last; then returns credits explicitly if many are owed. */
    synchronized void drain() throws IOException
    {
        if (failure != null)
        {
            return;
        }
        backlog.consume(drainer, Integer.MAX_VALUE);
        if (drainFailure != null)
        {
            final IOException ex = drainFailure;
            drainFailure = null;
            throw ex;
        }
        if (owedCredits >= options.creditThreshold())
        {
            sendControl(TYPE_CREDIT);
        }
        notifyAll();
    }

    private boolean sendQueued(final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        try
        {
            headFragmentsSent = sendFragments(buffer, offset, length, headFragmentsSent);
        }
        catch (final IOException ex)
        {
            drainFailure = ex;
            return false;
        }
        if (headFragmentsSent < fragments(length))
        {
            return false;
        }
        headFragmentsSent = 0;
        return true;
    }

    /**
     * Sends a frame without payload if a credit and a buffer are free: a credit frame may spend the second to last
     * credit, a goodbye the last.
     */
    synchronized boolean sendControl(final byte type) throws IOException
    {
        if (sendCredits <= (type == TYPE_BYE ? 0 : 1) || freeSendCount == 0)
        {
            return false;
        }
        post(takeSendBuffer(), type, HEADER_LENGTH, 0);
        return true;
    }

    private void post(final int buffer, final byte type, final int frameLength, final int messageLength)
        throws IOException
    {
        final int at = sendOffset(buffer);
        frames.putInt(at + LENGTH_OFFSET, frameLength, ORDER);
        frames.putByte(at + TYPE_OFFSET, type);
        frames.putShort(at + CREDITS_OFFSET, (short)owedCredits, ORDER);
        frames.putInt(at + MESSAGE_LENGTH_OFFSET, messageLength, ORDER);
        queuePair.postSend(WorkRequests.id(WorkRequests.SEND, connection, buffer), sendBase +
            (long)buffer * options.bufferBytes(), frameLength, region.lkey());
        owedCredits = 0;
        sendCredits--;
    }

    private int takeSendBuffer()
    {
        return freeSendBuffers[--freeSendCount];
    }

    private int sendOffset(final int buffer)
    {
        return (options.receiveDepth() + buffer) * options.bufferBytes();
    }

    /** A send completed: its buffer is free again. */
    synchronized void sendCompleted(final int buffer)
    {
        freeSendBuffers[freeSendCount++] = buffer;
        notifyAll();
    }

    /** The peer reposted {@code credits} receives for this node. */
    synchronized void creditsReturned(final int credits)
    {
        sendCredits += credits;
    }

    /** This node reposted a receive of the peer's: one more credit to give back. */
    synchronized void owe()
    {
        owedCredits++;
    }

    synchronized int backlogBytes()
    {
        return backlog.size();
    }

    synchronized int sendCredits()
    {
        return sendCredits;
    }

    synchronized boolean idle()
    {
        return backlog.isEmpty() && freeSendCount == options.receiveDepth();
    }

    /** Marks the connection failed; false if it already was (the first reason stays). */
    synchronized boolean fail(final String reason)
    {
        if (failure != null)
        {
            return false;
        }
        failure = reason;
        backlog.reset(0);
        headFragmentsSent = 0;
        notifyAll();
        return true;
    }

    // ---- receiving: polling thread only ----

    /**
     * Adds a fragment of a message; returns the buffer holding the whole message once complete, else null.
     * A message in one frame is handed over where it lies, without a copy.
     */
    DirectBuffer fragment(final int messageLength, final int frameOffset, final int fragmentLength)
    {
        if (reassemblyLength == 0)
        {
            if (fragmentLength == messageLength)
            {
                return frames;
            }
            if (messageLength > options.maxMessageLength() || fragmentLength > messageLength)
            {
                throw new IllegalStateException("sent a message of " + messageLength + " bytes in a fragment of " +
                    fragmentLength + "; messages must be at most " + options.maxMessageLength() + " bytes");
            }
            if (reassembly.capacity() < messageLength)
            {
                reassembly.wrap(new byte[Math.max(messageLength, Math.min(2 * reassembly.capacity(),
                    options.maxMessageLength()))]);
            }
            reassemblyLength = messageLength;
            reassembled = 0;
        }
        else if (messageLength != reassemblyLength || reassembled + fragmentLength > reassemblyLength)
        {
            throw new IllegalStateException("sent a fragment of a " + messageLength + "-byte message in the middle " +
                "of a " + reassemblyLength + "-byte message (" + reassembled + " bytes received)");
        }
        reassembly.putBytes(reassembled, frames, frameOffset, fragmentLength);
        reassembled += fragmentLength;
        if (reassembled < reassemblyLength)
        {
            return null;
        }
        reassemblyLength = 0;
        return reassembly;
    }

    /** Deregisters and frees the buffers; the queue pair must be closed first. */
    void free()
    {
        verbs.deregister(region);
        UnsafeApi.freeMemory(memory);
    }
}
