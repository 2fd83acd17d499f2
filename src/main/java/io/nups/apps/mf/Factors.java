package io.nups.apps.mf;

/** Scale of random factor entries, shared by the data generator and the model initialization. */
final class Factors
{
    private Factors()
    {
    }

    /**
     * Standard deviation rank^-1/4 of factor entries: then each of the rank terms of a product has variance
     * 1/rank, and the product of two random factors has unit variance.
     */
    static double unitProductSd(final int rank)
    {
        return 1.0 / Math.sqrt(Math.sqrt(rank));
    }
}
