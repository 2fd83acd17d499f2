package io.nups.transport;

import java.time.Duration;

/**
 * Limits of the TCP transport.
 *
 * @param maxFrameLength  largest frame a receiver accepts (header included); checked before reading a body
 * @param maxOutboxBytes  bytes queued per peer before a sender waits for the socket to drain
 * @param connectTimeout  bound on connecting to every peer at start
 * @param sendTimeout     bound on a sender's wait for queue room, and on the goodbye flush at close
 */
public record TcpOptions(int maxFrameLength, int maxOutboxBytes, Duration connectTimeout, Duration sendTimeout)
{
    public static final TcpOptions DEFAULT =
        new TcpOptions(64 * 1024 * 1024, 256 * 1024 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(30));

    public TcpOptions
    {
        if (maxFrameLength < 4096 || maxOutboxBytes < maxFrameLength)
        {
            throw new IllegalArgumentException("tcp limits: max frame " + maxFrameLength + " must be >= 4096 and " +
                "at most the max outbox " + maxOutboxBytes);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || sendTimeout.isNegative() || sendTimeout.isZero())
        {
            throw new IllegalArgumentException("tcp timeouts must be positive");
        }
    }

    public TcpOptions withConnectTimeout(final Duration timeout)
    {
        return new TcpOptions(maxFrameLength, maxOutboxBytes, timeout, sendTimeout);
    }

    public TcpOptions withMaxFrameLength(final int bytes)
    {
        return new TcpOptions(bytes, Math.max(bytes, maxOutboxBytes), connectTimeout, sendTimeout);
    }
}
