package io.nups.apps.mf;

/**
 * What {@link ZipfMatrix} generates: a {@code rows x cols} matrix of rank {@code rank} plus Gaussian noise,
 * revealed at {@code trainCells + testCells} distinct cells whose row and column indices are Zipf-distributed.
 *
 * @param rows       number of rows
 * @param cols       number of columns
 * @param rank       rank of the ground-truth factors
 * @param trainCells distinct cells revealed for training
 * @param testCells  distinct further cells held out for testing
 * @param noise      standard deviation of the Gaussian noise added to every cell
 * @param exponent   Zipf exponent of row and column indices (the paper uses 1.1)
 * @param seed       seed of everything random; equal specs generate equal matrices
 */
public record MatrixSpec(int rows, int cols, int rank, int trainCells, int testCells, double noise, double exponent,
    long seed)
{
    /** Zipf exponent of the NuPS paper's synthetic matrix. */
    public static final double PAPER_EXPONENT = 1.1;
    /** Most cells one Java array can hold. */
    public static final int MAX_CELLS = Integer.MAX_VALUE - 8;

    public MatrixSpec
    {
        if (rows < 1 || cols < 1 || rank < 1)
        {
            throw new IllegalArgumentException(
                "rows, columns and rank must be positive, got " + rows + ", " + cols + " and " + rank);
        }
        if (trainCells < 1 || testCells < 0)
        {
            throw new IllegalArgumentException(
                "need at least one training cell and no negative test cells, got " + trainCells + " and " + testCells);
        }
        if ((long)trainCells + testCells > MAX_CELLS)
        {
            throw new IllegalArgumentException(
                "train + test cells must be at most " + MAX_CELLS + ", got " + ((long)trainCells + testCells));
        }
        if ((long)trainCells + testCells > (long)rows * cols / 2)
        {
            throw new IllegalArgumentException("train + test cells (" + ((long)trainCells + testCells) +
                ") must be at most half of the " + rows + " x " + cols + " matrix (" + (long)rows * cols / 2 +
                "): raise rows/columns or lower the cells");
        }
        if (!(noise >= 0) || Double.isInfinite(noise))
        {
            throw new IllegalArgumentException("noise standard deviation must be finite and >= 0, got " + noise);
        }
    }

    public int totalCells()
    {
        return trainCells + testCells;
    }
}
