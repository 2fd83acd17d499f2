package io.nups.sample;

/**
 * How samples are drawn and served (reference §3.3, NuPS's {@code sampling.strategy}), from full conformity to
 * the target distribution to none, and from most to least communication.
 */
public enum SamplingScheme
{
    /** Draw fresh i.i.d. keys at each {@code pullSample} and pull them; remote keys cost a round trip. */
    NAIVE,
    /** Draw the group's keys at {@code prepareSample} and localize them ahead; i.i.d., every sample relocates. */
    PRELOC,
    /**
     * A per-node pool filled ahead by a background agent: each drawn key is used {@code reuse} times within a
     * window of {@code groupSize × reuse} samples of the node; optional postponing of non-local keys.
     */
    POOL,
    /**
     * Only keys held on this node (owned or replicated): no communication at all, but the target restricted to
     * local keys, not the target itself.
     */
    LOCAL
}
