package io.nups.apps.kge;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sums over link-prediction rankings: their count, reciprocal ranks and hits at 1, 3, 10, filtered and raw. Sums,
 * not means, so that workers and nodes add theirs before one division.
 */
final class RankSums
{
    /** Length of {@link #values()}. */
    static final int VALUES = 9;
    private static final int[] HITS_AT = {1, 3, 10};

    private final double[] sums;

    RankSums()
    {
        this(new double[VALUES]);
    }

    /** Wraps sums in the layout of {@link #values()} (e.g. cluster-wide totals). */
    RankSums(final double[] sums)
    {
        if (sums.length != VALUES)
        {
            throw new IllegalArgumentException("rank sums have " + VALUES + " values, got " + sums.length);
        }
        this.sums = sums;
    }

    /** Counts one ranking with filtered and raw 1-based ranks. */
    void add(final int filteredRank, final int rawRank)
    {
        sums[0]++;
        addRank(1, filteredRank);
        addRank(1 + VALUES / 2, rawRank);
    }

    private void addRank(final int at, final int rank)
    {
        sums[at] += 1.0 / rank;
        for (int k = 0; k < HITS_AT.length; k++)
        {
            if (rank <= HITS_AT[k])
            {
                sums[at + 1 + k]++;
            }
        }
    }

    /** {@code [rankings, Σ 1/rank, hits@1, hits@3, hits@10, raw Σ 1/rank, raw hits@1, raw hits@3, raw hits@10]}. */
    double[] values()
    {
        return sums;
    }

    long rankings()
    {
        return (long)sums[0];
    }

    /**
     * Means by name, each prefixed by {@code prefix}: {@code mrr}, {@code hits@1}, {@code hits@3}, {@code hits@10},
     * then {@code raw_mrr}, {@code raw_hits@1}, ...; empty when nothing was ranked.
     */
    Map<String, Double> metrics(final String prefix)
    {
        final Map<String, Double> metrics = new LinkedHashMap<>();
        if (sums[0] == 0)
        {
            return metrics;
        }
        for (final String kind : new String[] {"", "raw_"})
        {
            final int at = kind.isEmpty() ? 1 : 1 + VALUES / 2;
            metrics.put(prefix + kind + "mrr", sums[at] / sums[0]);
            for (int k = 0; k < HITS_AT.length; k++)
            {
                metrics.put(prefix + kind + "hits@" + HITS_AT[k], sums[at + 1 + k] / sums[0]);
            }
        }
        return metrics;
    }
}
