package io.nups.sample;

/**
 * One stream of keys drawn from a target distribution: each call returns one key in {@code [0, numKeys)}.
 * nups asks a {@link KeyDistribution} for one per thread that draws (each worker, and the pool agent), so an
 * implementation may keep unsynchronized state (a random generator); one that is thread-safe may be shared.
 */
@FunctionalInterface
public interface KeyDraw
{
    /** The next key; must not allocate if the caller's hot path is to stay allocation-free. */
    int nextKey();
}
