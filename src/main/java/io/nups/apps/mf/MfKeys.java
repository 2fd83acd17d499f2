package io.nups.apps.mf;

/**
 * Key layout of {@link MfTask}: row i is key i, column j is key {@code rows + j}, and the last key carries the
 * cluster-wide loss sums. (The reference rounds the first column key up to a multiple of the workers for its
 * range partitioning; nups spreads keys by its key permutation instead, so rows and columns stay contiguous.)
 */
final class MfKeys
{
    private final int rows;
    private final int cols;

    MfKeys(final int rows, final int cols)
    {
        if ((long)rows + cols + 1 > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("rows + columns + 1 = " + ((long)rows + cols + 1) +
                " keys exceed the key space of " + Integer.MAX_VALUE);
        }
        this.rows = rows;
        this.cols = cols;
    }

    int rowKey(final int row)
    {
        return row;
    }

    int colKey(final int col)
    {
        return rows + col;
    }

    /** The key of the cluster-wide sums ({@code ClusterSums}); never replicated. */
    int lossKey()
    {
        return rows + cols;
    }

    int factorKeys()
    {
        return rows + cols;
    }

    int numKeys()
    {
        return rows + cols + 1;
    }
}
