package io.nups.apps.mf;

import java.util.random.RandomGenerator;

/** Uniform random orders of {@code 0..n-1}, drawn in place so that a reused order array costs no allocation. */
final class Permutations
{
    private Permutations()
    {
    }

    /** A new uniformly random permutation of {@code 0..size-1}. */
    static int[] random(final int size, final RandomGenerator rng)
    {
        final int[] order = range(0, size);
        shuffle(order, rng);
        return order;
    }

    /** A new array holding {@code from, from + 1, ..., to - 1}. */
    static int[] range(final int from, final int to)
    {
        final int[] values = new int[to - from];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = from + i;
        }
        return values;
    }

    /** Reorders {@code array} uniformly at random (Fisher-Yates). */
    static void shuffle(final int[] array, final RandomGenerator rng)
    {
        for (int i = array.length - 1; i > 0; i--)
        {
            final int j = rng.nextInt(i + 1);
            final int value = array[i];
            array[i] = array[j];
            array[j] = value;
        }
    }
}
