package io.nups.transport.rdma;

import java.time.Duration;

/**
 * Sizes and bounds of the RDMA transport. Registered memory per node: two rings of {@code receiveDepth} buffers of
 * {@code bufferBytes} per peer (receive and send), plus {@code stagingBytes} for one-sided operations, plus the
 * slabs; the locked-memory limit must cover it all.
 *
 * @param bufferBytes      one SEND/RECV buffer; a larger message goes in fragments of this size
 * @param receiveDepth     receives posted per peer, which are the credits a peer may spend sending to this node
 * @param maxMessageLength largest message, fragments together
 * @param stagingBytes     registered memory through which one-sided reads and writes pass, in chunks of
 *                         {@code bufferBytes}; at least {@code maxMessageLength}, the largest one-sided operation
 * @param maxBacklogBytes  bytes of messages queued per peer, waiting for credits, before a sender waits
 * @param connectTimeout   bound on connecting to every peer at start
 * @param sendTimeout      bound on a sender's wait for queue room, and on the goodbye at close
 */
public record RdmaOptions(int bufferBytes, int receiveDepth, int maxMessageLength, int stagingBytes,
    int maxBacklogBytes, Duration connectTimeout, Duration sendTimeout)
{
    public static final RdmaOptions DEFAULT = new RdmaOptions(64 * 1024, 16, 8 * 1024 * 1024, 8 * 1024 * 1024,
        64 * 1024 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(30));

    public RdmaOptions
    {
        if (bufferBytes < 1024 || receiveDepth < 4 || receiveDepth > 4096)
        {
            throw new IllegalArgumentException("rdma buffers: " + bufferBytes + " bytes (at least 1024) and a " +
                "receive depth of " + receiveDepth + " (within [4, 4096])");
        }
        if (maxMessageLength < 1 || stagingBytes < maxMessageLength || maxBacklogBytes < maxMessageLength)
        {
            throw new IllegalArgumentException("rdma limits: max message " + maxMessageLength + " must be positive " +
                "and at most the staging area " + stagingBytes + " and the backlog " + maxBacklogBytes);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || sendTimeout.isNegative() || sendTimeout.isZero())
        {
            throw new IllegalArgumentException("rdma timeouts must be positive");
        }
    }

    public RdmaOptions withConnectTimeout(final Duration timeout)
    {
        return new RdmaOptions(bufferBytes, receiveDepth, maxMessageLength, stagingBytes, maxBacklogBytes, timeout,
            sendTimeout);
    }

    public RdmaOptions withBuffers(final int bytes, final int depth)
    {
        return new RdmaOptions(bytes, depth, maxMessageLength, stagingBytes, maxBacklogBytes, connectTimeout,
            sendTimeout);
    }

    public RdmaOptions withLimits(final int messageBytes, final int stagingBytes, final int backlogBytes)
    {
        return new RdmaOptions(bufferBytes, receiveDepth, messageBytes, stagingBytes, backlogBytes, connectTimeout,
            sendTimeout);
    }

    public RdmaOptions withSendTimeout(final Duration timeout)
    {
        return new RdmaOptions(bufferBytes, receiveDepth, maxMessageLength, stagingBytes, maxBacklogBytes,
            connectTimeout, timeout);
    }

    /** Staging chunks of {@code bufferBytes}. */
    int stagingChunks()
    {
        return (stagingBytes + bufferBytes - 1) / bufferBytes;
    }

    /** Payload bytes of one frame. */
    int fragmentBytes()
    {
        return bufferBytes - RdmaFrame.HEADER_LENGTH;
    }

    /** Explicit credit messages wait until this many receives were reposted (piggybacking usually comes first). */
    int creditThreshold()
    {
        return receiveDepth / 2;
    }
}
