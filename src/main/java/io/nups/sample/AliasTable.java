package io.nups.sample;

import io.nups.manage.HotKeys;

import java.util.SplittableRandom;

/**
 * A distribution over the keys {@code [0, n)} proportional to given weights, drawn in O(1) by Walker's alias
 * method (Vose's construction): pick a column uniformly, keep it with its stored probability, else take its
 * alias. Immutable and shared by all draw streams; each stream has its own generator, so drawing allocates
 * nothing and takes no lock.
 *
 * <p>{@link #unigram(long[])} is word2vec's negative-sampling distribution (frequency^0.75) without its 1e8-entry
 * table; {@link #divideReplicated} divides the weight of replicated keys by the node count, which keeps
 * local-only sampling from oversampling them (every node holds a replica, reference §3.3).
 */
public final class AliasTable implements KeyDistribution
{
    /** word2vec's exponent for negative sampling. */
    public static final double UNIGRAM_POWER = 0.75;

    private final double[] probabilities;
    private final double[] keep;
    private final int[] alias;

    private AliasTable(final double[] weights)
    {
        final int n = weights.length;
        if (n == 0)
        {
            throw new IllegalArgumentException("an alias table needs at least one key");
        }
        double total = 0;
        for (int key = 0; key < n; key++)
        {
            final double w = weights[key];
            if (!(w >= 0) || Double.isInfinite(w))
            {
                throw new IllegalArgumentException("weight of key " + key + " is " + w + ": weights must be finite " +
                    "and >= 0");
            }
            total += w;
        }
        if (!(total > 0) || Double.isInfinite(total))
        {
            throw new IllegalArgumentException("weights of the " + n + " keys sum to " + total + ": need a positive, " +
                "finite sum");
        }
        this.probabilities = new double[n];
        this.keep = new double[n];
        this.alias = new int[n];
        // Vose: scale to mean 1, then pair each column below 1 with one above it.
        final int[] small = new int[n];
        final int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int key = 0; key < n; key++)
        {
            probabilities[key] = weights[key] / total;
            keep[key] = probabilities[key] * n;
            if (keep[key] < 1)
            {
                small[smalls++] = key;
            }
            else
            {
                large[larges++] = key;
            }
        }
        while (smalls > 0 && larges > 0)
        {
            final int less = small[--smalls];
            final int more = large[--larges];
            alias[less] = more;
            keep[more] = keep[more] + keep[less] - 1;
            if (keep[more] < 1)
            {
                small[smalls++] = more;
            }
            else
            {
                large[larges++] = more;
            }
        }
        // What is left is 1 up to rounding: those columns keep their own key.
        while (larges > 0)
        {
            final int key = large[--larges];
            keep[key] = 1;
            alias[key] = key;
        }
        while (smalls > 0)
        {
            final int key = small[--smalls];
            keep[key] = 1;
            alias[key] = key;
        }
    }

    /** Key k drawn with probability {@code weights[k] / sum(weights)}. */
    public static AliasTable of(final double[] weights)
    {
        return new AliasTable(weights.clone());
    }

    /** Key k drawn with probability proportional to {@code counts[k]^power}. */
    public static AliasTable ofFrequencies(final long[] counts, final double power)
    {
        if (!(power >= 0) || Double.isInfinite(power))
        {
            throw new IllegalArgumentException("power must be finite and >= 0, got " + power);
        }
        final double[] weights = new double[counts.length];
        for (int key = 0; key < counts.length; key++)
        {
            if (counts[key] < 0)
            {
                throw new IllegalArgumentException("frequency of key " + key + " is negative: " + counts[key]);
            }
            weights[key] = Math.pow(counts[key], power);
        }
        return new AliasTable(weights);
    }

    /** word2vec's negative-sampling distribution: key k with probability proportional to {@code counts[k]^0.75}. */
    public static AliasTable unigram(final long[] counts)
    {
        return ofFrequencies(counts, UNIGRAM_POWER);
    }

    /**
     * This distribution with the weight of each replicated key divided by {@code nodes}: with local-only sampling
     * every node draws its replicas, so the cluster as a whole then draws them at their target rate.
     */
    public AliasTable divideReplicated(final HotKeys replicated, final int nodes)
    {
        if (replicated.numKeys() != probabilities.length)
        {
            throw new IllegalArgumentException("replicated key set is for " + replicated.numKeys() + " keys, this " +
                "distribution for " + probabilities.length);
        }
        if (nodes < 1)
        {
            throw new IllegalArgumentException("node count must be >= 1, got " + nodes);
        }
        final double[] weights = probabilities.clone();
        for (int i = 0; i < replicated.size(); i++)
        {
            weights[replicated.key(i)] /= nodes;
        }
        return new AliasTable(weights);
    }

    /** Number of keys, {@code [0, n)}. */
    public int numKeys()
    {
        return probabilities.length;
    }

    /** The probability of drawing {@code key}. */
    public double probability(final int key)
    {
        return probabilities[key];
    }

    @Override
    public KeyDraw newDraw(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int n = probabilities.length;
        return () ->
        {
            final int column = random.nextInt(n);
            return random.nextDouble() < keep[column] ? column : alias[column];
        };
    }
}
