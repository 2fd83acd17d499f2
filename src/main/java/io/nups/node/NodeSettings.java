package io.nups.node;

import io.nups.store.KeyLayout;
import io.nups.store.StoreOptions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node is started with, validated.
 *
 * @param layout            key space and value lengths
 * @param threads           worker threads on this node
 * @param store             slab backing and capacity
 * @param latencySampleEvery time 1 of this many local operations per kind (a power of two; 1 = all)
 * @param waitTimeout       bound on every wait (operation completion, barrier)
 * @param profileDirectory  where to write {@code .hlog}/{@code .hgrm} files, or null for none
 * @param profileInterval   interval of the {@code .hlog}
 * @param relocation        keys move to the node that localizes them (false: classic, keys stay at home)
 * @param keyPermutationSeed seed of the permutation of keys before range partitioning, or null for none
 */
public record NodeSettings(
    KeyLayout layout,
    int threads,
    StoreOptions store,
    int latencySampleEvery,
    Duration waitTimeout,
    Path profileDirectory,
    Duration profileInterval,
    boolean relocation,
    Long keyPermutationSeed)
{
    public NodeSettings
    {
        if (layout == null)
        {
            throw new IllegalArgumentException("no key layout given: set the number of keys and value length");
        }
        if (threads < 1 || threads > 1024)
        {
            throw new IllegalArgumentException("worker threads must be in [1, 1024], got " + threads);
        }
        if (latencySampleEvery < 1 || Integer.bitCount(latencySampleEvery) != 1)
        {
            throw new IllegalArgumentException(
                "latency sampling must be a power of two >= 1 (1 = time every operation), got " + latencySampleEvery);
        }
        if (waitTimeout == null || waitTimeout.isNegative() || waitTimeout.isZero())
        {
            throw new IllegalArgumentException("wait timeout must be positive, got " + waitTimeout);
        }
        if (profileInterval == null || profileInterval.toMillis() < 1)
        {
            throw new IllegalArgumentException("profile interval must be at least 1 ms, got " + profileInterval);
        }
    }
}
