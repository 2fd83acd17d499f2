package io.nups.apps.mf;

import org.agrona.collections.LongHashSet;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Generates the NuPS paper's synthetic matrix-factorization data (reference §6.2) at any scale: rank-k
 * ground-truth factors with entries ~ N(0, k^-1/4), so that every product has unit variance, plus Gaussian
 * noise; row and column indices of revealed cells follow Zipf laws (hot rows and columns at random
 * positions), duplicates are rejected, and the distinct cells are split at random into train and test.
 */
public final class ZipfMatrix
{
    /** Draws allowed per wanted cell before giving up on a matrix too dense for its Zipf laws. */
    private static final int MAX_DRAWS_PER_CELL = 50;

    private ZipfMatrix()
    {
    }

    /** The matrix of {@code spec}; the same spec always gives the same matrix. */
    public static SparseMatrix generate(final MatrixSpec spec)
    {
        final SplittableRandom rng = new SplittableRandom(spec.seed());
        final int rank = spec.rank();
        final float[] rowFactors = gaussian(spec.rows() * (long)rank, Factors.unitProductSd(rank), rng);
        final float[] colFactors = gaussian(spec.cols() * (long)rank, Factors.unitProductSd(rank), rng);
        final ZipfSampler rowSampler = new ZipfSampler(spec.rows(), spec.exponent());
        final ZipfSampler colSampler = new ZipfSampler(spec.cols(), spec.exponent());
        final int[] rowOf = Permutations.random(spec.rows(), rng);
        final int[] colOf = Permutations.random(spec.cols(), rng);

        final int total = spec.totalCells();
        final int[] rows = new int[total];
        final int[] cols = new int[total];
        final float[] values = new float[total];
        final LongHashSet seen = new LongHashSet(total);
        final long maxDraws = (long)MAX_DRAWS_PER_CELL * total;
        long draws = 0;
        int cells = 0;
        while (cells < total)
        {
            if (++draws > maxDraws)
            {
                throw new IllegalArgumentException("found only " + cells + " distinct cells in " + maxDraws +
                    " Zipf draws of a " + spec.rows() + " x " + spec.cols() + " matrix, " + total +
                    " wanted: raise rows/columns or lower the cells");
            }
            final int row = rowOf[rowSampler.sample(rng)];
            final int col = colOf[colSampler.sample(rng)];
            if (seen.add((long)row * spec.cols() + col))
            {
                rows[cells] = row;
                cols[cells] = col;
                values[cells] = (float)(dot(rowFactors, row, colFactors, col, rank) + spec.noise() * rng.nextGaussian());
                cells++;
            }
        }
        final Cells all = new Cells(rows, cols, values);
        all.shuffle(rng);
        return new SparseMatrix(spec.rows(), spec.cols(), all.slice(0, spec.trainCells()), all.slice(spec.trainCells(), total));
    }

    private static float[] gaussian(final long length, final double sd, final RandomGenerator rng)
    {
        if (length > MatrixSpec.MAX_CELLS)
        {
            throw new IllegalArgumentException("ground-truth factors of " + length + " entries do not fit in memory");
        }
        final float[] values = new float[(int)length];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = (float)(sd * rng.nextGaussian());
        }
        return values;
    }

    private static double dot(final float[] rowFactors, final int row, final float[] colFactors, final int col,
        final int rank)
    {
        final int rowBase = row * rank;
        final int colBase = col * rank;
        double sum = 0;
        for (int k = 0; k < rank; k++)
        {
            sum += rowFactors[rowBase + k] * colFactors[colBase + k];
        }
        return sum;
    }
}
