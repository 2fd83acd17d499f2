package io.nups.node;

import io.nups.manage.ReplicationOptions;
import io.nups.sample.SamplingOptions;
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
 * @param oneSidedPulls     pull a remote key whose slot location is known by a one-sided read of the slot
 *                          (validated, with fallback to a message); default on
 * @param locationCaches    workers send requests for a key to the node last seen owning it instead of its
 *                          manager (reference §1.3); default off
 * @param replication       the replicated keys and how they are synchronized; null: none
 * @param sampling          sampling support (distribution and scheme); null: none. Not part of
 *                          {@link #clusterFingerprint()}: each node may sample its own way
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
    Long keyPermutationSeed,
    boolean oneSidedPulls,
    boolean locationCaches,
    ReplicationOptions replication,
    SamplingOptions sampling)
{
    /** Settings with one-sided pulls on and location caches off. */
    public NodeSettings(final KeyLayout layout, final int threads, final StoreOptions store,
        final int latencySampleEvery, final Duration waitTimeout, final Path profileDirectory,
        final Duration profileInterval, final boolean relocation, final Long keyPermutationSeed)
    {
        this(layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory, profileInterval, relocation,
            keyPermutationSeed, true, false, null);
    }

    /** Settings without sampling support. */
    public NodeSettings(final KeyLayout layout, final int threads, final StoreOptions store,
        final int latencySampleEvery, final Duration waitTimeout, final Path profileDirectory,
        final Duration profileInterval, final boolean relocation, final Long keyPermutationSeed,
        final boolean oneSidedPulls, final boolean locationCaches, final ReplicationOptions replication)
    {
        this(layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory, profileInterval, relocation,
            keyPermutationSeed, oneSidedPulls, locationCaches, replication, null);
    }

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
        if (replication == null)
        {
            replication = ReplicationOptions.none(layout.numKeys());
        }
        if (sampling == null)
        {
            sampling = SamplingOptions.none();
        }
        sampling.checkKeySpace(layout.numKeys());
        if (replication.keys().numKeys() != layout.numKeys())
        {
            throw new IllegalArgumentException("the replicated key set is for " + replication.keys().numKeys() +
                " keys, but the key space has " + layout.numKeys());
        }
        if (replication.pauseMillis() >= waitTimeout.toMillis())
        {
            throw new IllegalArgumentException("the pause between sync rounds (" + replication.pauseMillis() +
                " ms) must be shorter than the wait timeout (" + waitTimeout + ")");
        }
        if (replication.syncsPerSecond() > 0 && 1000 / replication.syncsPerSecond() >= waitTimeout.toMillis())
        {
            throw new IllegalArgumentException("sync rounds every " + (1 / replication.syncsPerSecond()) + " s must " +
                "come more often than the wait timeout (" + waitTimeout + ")");
        }
    }

    /**
     * Digest of what every node of a cluster must agree on: key space and value lengths, mode, key permutation,
     * replicated keys, replica averaging and clipping. Nodes compare it at start and refuse a peer that differs.
     */
    public int clusterFingerprint()
    {
        int hash = layout.numKeys();
        for (final var lengths : layout.keysPerLength().entrySet())
        {
            hash = 31 * hash + lengths.getKey();
            hash = 31 * hash + Long.hashCode(lengths.getValue());
        }
        hash = 31 * hash + layout.toString().hashCode();
        hash = 31 * hash + Boolean.hashCode(relocation);
        hash = 31 * hash + java.util.Objects.hashCode(keyPermutationSeed);
        hash = 31 * hash + replication.keys().hashCode();
        hash = 31 * hash + Boolean.hashCode(replication.average());
        hash = 31 * hash + Double.hashCode(replication.clip());
        return hash;
    }

    public NodeSettings withOneSidedPulls(final boolean on)
    {
        return new NodeSettings(layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory,
            profileInterval, relocation, keyPermutationSeed, on, locationCaches, replication, sampling);
    }

    public NodeSettings withLocationCaches(final boolean on)
    {
        return new NodeSettings(layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory,
            profileInterval, relocation, keyPermutationSeed, oneSidedPulls, on, replication, sampling);
    }

    public NodeSettings withReplication(final ReplicationOptions options)
    {
        return new NodeSettings(layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory,
            profileInterval, relocation, keyPermutationSeed, oneSidedPulls, locationCaches, options, sampling);
    }

    public NodeSettings withSampling(final SamplingOptions options)
    {
        return new NodeSettings(layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory,
            profileInterval, relocation, keyPermutationSeed, oneSidedPulls, locationCaches, replication, options);
    }
}
