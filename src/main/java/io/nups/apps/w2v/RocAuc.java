package io.nups.apps.w2v;

import java.util.Arrays;

/** Area under the ROC curve of a score separating positives from negatives (Mann-Whitney U; ties count ½). */
final class RocAuc
{
    private RocAuc()
    {
    }

    /**
     * The probability that a random positive scores above a random negative, ties counting ½: 1 separates
     * perfectly, 0.5 is chance.
     *
     * @throws IllegalArgumentException when either side is empty or a score is NaN
     */
    static double of(final double[] positives, final double[] negatives)
    {
        if (positives.length == 0 || negatives.length == 0)
        {
            throw new IllegalArgumentException("AUC needs positives and negatives, got " + positives.length + " and " +
                negatives.length);
        }
        final int n = positives.length + negatives.length;
        final double[] scores = new double[n];
        for (int i = 0; i < n; i++)
        {
            scores[i] = i < positives.length ? positives[i] : negatives[i - positives.length];
            if (Double.isNaN(scores[i]))
            {
                throw new IllegalArgumentException("AUC score " + i + " is NaN");
            }
        }
        final Integer[] index = new Integer[n];
        for (int i = 0; i < n; i++)
        {
            index[i] = i;
        }
        Arrays.sort(index, (a, b) -> Double.compare(scores[a], scores[b]));
        // Sum of the positives' ranks, tied runs sharing their average rank.
        double positiveRanks = 0;
        for (int start = 0; start < n; )
        {
            int end = start + 1;
            while (end < n && scores[index[end]] == scores[index[start]])
            {
                end++;
            }
            final double rank = (start + 1 + end) / 2.0;
            for (int i = start; i < end; i++)
            {
                if (index[i] < positives.length)
                {
                    positiveRanks += rank;
                }
            }
            start = end;
        }
        final double p = positives.length;
        return (positiveRanks - p * (p + 1) / 2) / (p * negatives.length);
    }
}
