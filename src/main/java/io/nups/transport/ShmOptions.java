package io.nups.transport;

import org.agrona.BitUtil;

import java.time.Duration;

/**
 * Limits of the shared-memory transport.
 *
 * @param ringCapacity    bytes of each node's inbound ring (a power of two); messages up to 1/8 of it
 * @param pollLimit       messages handled per poll of the ring
 * @param startTimeout    bound on waiting for every peer's files to be ready
 * @param sendTimeout     bound on waiting for room in a full peer ring
 * @param livenessTimeout a peer silent for longer is lost
 */
public record ShmOptions(
    int ringCapacity, int pollLimit, Duration startTimeout, Duration sendTimeout, Duration livenessTimeout)
{
    public static final ShmOptions DEFAULT = new ShmOptions(
        64 * 1024 * 1024, 256, Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(5));

    public ShmOptions
    {
        if (!BitUtil.isPowerOfTwo(ringCapacity) || ringCapacity < 4096 || ringCapacity > (1 << 30))
        {
            throw new IllegalArgumentException("shm ring capacity must be a power of two in [4096, 2^30], got " +
                ringCapacity);
        }
        if (pollLimit < 1)
        {
            throw new IllegalArgumentException("shm poll limit must be positive, got " + pollLimit);
        }
        for (final Duration d : new Duration[]{startTimeout, sendTimeout, livenessTimeout})
        {
            if (d.isNegative() || d.isZero())
            {
                throw new IllegalArgumentException("shm timeouts must be positive, got " + d);
            }
        }
    }

    public ShmOptions withStartTimeout(final Duration timeout)
    {
        return new ShmOptions(ringCapacity, pollLimit, timeout, sendTimeout, livenessTimeout);
    }

    public ShmOptions withRingCapacity(final int bytes)
    {
        return new ShmOptions(bytes, pollLimit, startTimeout, sendTimeout, livenessTimeout);
    }

    public ShmOptions withLivenessTimeout(final Duration timeout)
    {
        return new ShmOptions(ringCapacity, pollLimit, startTimeout, sendTimeout, timeout);
    }
}
