package io.nups.apps.mf;

import java.util.random.RandomGenerator;

/**
 * Draws indices in {@code [0, n)} with {@code P(i) ∝ (i + 1)^-exponent} by inverse CDF: the cumulative
 * table is built once, then each sample is one uniform draw and a binary search, allocating nothing.
 */
public final class ZipfSampler
{
    private final double[] cdf;

    public ZipfSampler(final int n, final double exponent)
    {
        if (n < 1)
        {
            throw new IllegalArgumentException("Zipf support size must be at least 1, got " + n);
        }
        if (!(exponent > 0) || Double.isInfinite(exponent))
        {
            throw new IllegalArgumentException("Zipf exponent must be positive and finite, got " + exponent);
        }
        cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += Math.pow(i + 1, -exponent);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++)
        {
            cdf[i] /= sum;
        }
        cdf[n - 1] = 1.0;
    }

    public int size()
    {
        return cdf.length;
    }

    /** Probability of drawing {@code index}. */
    public double probability(final int index)
    {
        return index == 0 ? cdf[0] : cdf[index] - cdf[index - 1];
    }

    public int sample(final RandomGenerator rng)
    {
        return indexOf(rng.nextDouble());
    }

    /** The smallest index whose cumulative probability exceeds {@code u} in {@code [0, 1)}. */
    int indexOf(final double u)
    {
        int low = 0;
        int high = cdf.length - 1;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (cdf[mid] > u)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }
}
