package io.nups.apps.w2v;

import java.util.SplittableRandom;

/**
 * The key layout (reference §5.2): word w has its input vector (syn0) at key {@code 2·π(w)} and its output vector
 * (syn1) at {@code 2·π(w)+1}, where π is a fixed random permutation (seed 2) that spreads the frequent, low ids
 * over the key space and so over the nodes' home ranges; key {@code 2·V} holds the cluster-wide sums.
 */
final class W2vKeys
{
    private static final long PERMUTATION_SEED = 2;

    private final int[] slot;

    W2vKeys(final int words)
    {
        if (words > (Integer.MAX_VALUE - 1) / 2)
        {
            throw new IllegalArgumentException("a vocabulary of " + words + " words needs more than " +
                Integer.MAX_VALUE + " keys");
        }
        slot = new int[words];
        for (int w = 0; w < words; w++)
        {
            slot[w] = w;
        }
        final SplittableRandom random = new SplittableRandom(PERMUTATION_SEED);
        for (int i = words - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int swap = slot[i];
            slot[i] = slot[j];
            slot[j] = swap;
        }
    }

    int words()
    {
        return slot.length;
    }

    int input(final int word)
    {
        return 2 * slot[word];
    }

    int output(final int word)
    {
        return 2 * slot[word] + 1;
    }

    /** The key of the cluster-wide sums (losses, counts, the quality broadcast). */
    int sums()
    {
        return 2 * slot.length;
    }

    /** Word vectors' keys {@code [0, 2V)} plus the sums key. */
    int numKeys()
    {
        return 2 * slot.length + 1;
    }
}
