package io.nups.sample;

/**
 * Pearson's chi-square goodness-of-fit test of observed counts against expected probabilities, for the
 * distribution checks of the sampling tests. Bins expected to hold fewer than 5 counts are pooled into one (the
 * usual validity rule). The critical value is the Wilson–Hilferty approximation of the chi-square quantile at
 * {@link #FALSE_FAILURE_RATE}: a correct sampler fails one check in 10,000 seeds. Tests use fixed seeds, so a
 * run is deterministic; the rate says how likely a seed change alone would make a correct sampler fail.
 */
public final class ChiSquare
{
    /** Probability that a correct sampler fails one check (the test's significance level). */
    public static final double FALSE_FAILURE_RATE = 1e-4;
    /** Standard normal quantile for 1 - {@link #FALSE_FAILURE_RATE}. */
    private static final double Z = 3.7190;

    private final double statistic;
    private final int degreesOfFreedom;

    private ChiSquare(final double statistic, final int degreesOfFreedom)
    {
        this.statistic = statistic;
        this.degreesOfFreedom = degreesOfFreedom;
    }

    /**
     * Compares {@code observed[k]} with {@code total × probabilities[k]} (the probabilities must sum to 1 over
     * the keys that can be drawn; counts of keys with probability 0 fail at once).
     */
    public static ChiSquare of(final long[] observed, final double[] probabilities)
    {
        long total = 0;
        for (int k = 0; k < observed.length; k++)
        {
            if (probabilities[k] == 0 && observed[k] != 0)
            {
                throw new AssertionError("key " + k + " has probability 0 but was drawn " + observed[k] + " times");
            }
            total += observed[k];
        }
        double statistic = 0;
        int bins = 0;
        long pooledObserved = 0;
        double pooledExpected = 0;
        for (int k = 0; k < observed.length; k++)
        {
            final double expected = total * probabilities[k];
            if (expected == 0)
            {
                continue;
            }
            if (expected < 5)
            {
                pooledObserved += observed[k];
                pooledExpected += expected;
                continue;
            }
            statistic += square(observed[k] - expected) / expected;
            bins++;
        }
        if (pooledExpected > 0)
        {
            statistic += square(pooledObserved - pooledExpected) / pooledExpected;
            bins++;
        }
        if (bins < 2)
        {
            throw new AssertionError("too few counts for a chi-square test: " + total + " draws in " + bins + " bins");
        }
        return new ChiSquare(statistic, bins - 1);
    }

    private static double square(final double x)
    {
        return x * x;
    }

    /** Wilson–Hilferty: the chi-square quantile at 1 - {@link #FALSE_FAILURE_RATE}. */
    public double criticalValue()
    {
        final double k = degreesOfFreedom;
        final double a = 2.0 / (9.0 * k);
        return k * Math.pow(1 - a + Z * Math.sqrt(a), 3);
    }

    public double statistic()
    {
        return statistic;
    }

    public boolean fits()
    {
        return statistic <= criticalValue();
    }

    @Override
    public String toString()
    {
        return String.format("chi-square %.1f with %d degrees of freedom, critical value %.1f at false-failure " +
            "rate %.0e", statistic, degreesOfFreedom, criticalValue(), FALSE_FAILURE_RATE);
    }

    /** Fails with the statistic unless the counts fit the probabilities. */
    public static void assertFits(final String what, final long[] observed, final double[] probabilities)
    {
        final ChiSquare test = of(observed, probabilities);
        if (!test.fits())
        {
            throw new AssertionError(what + " does not fit its target: " + test);
        }
    }
}
