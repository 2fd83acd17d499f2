package io.nups.sample;

import java.util.SplittableRandom;

/**
 * The target distribution of sampling, supplied by the application (NuPS's {@code drawFn}): nups is agnostic
 * to it and only draws keys. {@link #newDraw(long)} is called once per drawing thread with a seed derived from
 * {@link SamplingOptions#seed()}, the node's rank and the thread, so draws are reproducible and streams differ.
 *
 * <p>Ready-made: {@link #uniform(int, int)}, and {@link AliasTable} for weights or frequencies (including
 * word2vec's unigram^0.75).
 */
@FunctionalInterface
public interface KeyDistribution
{
    /** A draw stream for one thread, seeded with {@code seed}; may return a shared thread-safe stream. */
    KeyDraw newDraw(long seed);

    /** Uniform over the keys {@code [from, to)}. */
    static KeyDistribution uniform(final int from, final int to)
    {
        if (from < 0 || to <= from)
        {
            throw new IllegalArgumentException("uniform key range [" + from + ", " + to + ") is empty or negative");
        }
        final int width = to - from;
        return seed ->
        {
            final SplittableRandom random = new SplittableRandom(seed);
            return () -> from + random.nextInt(width);
        };
    }
}
