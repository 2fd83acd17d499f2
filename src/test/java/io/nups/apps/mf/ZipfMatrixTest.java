package io.nups.apps.mf;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZipfMatrixTest
{
    private static final MatrixSpec SPEC = new MatrixSpec(3000, 800, 8, 60_000, 5_000, 0.1, 1.1, 7);

    @Test
    void samplerFrequenciesFollowTheZipfLaw()
    {
        final ZipfSampler sampler = new ZipfSampler(1000, 1.1);
        final SplittableRandom rng = new SplittableRandom(3);
        final int draws = 2_000_000;
        final int[] counts = new int[sampler.size()];
        for (int i = 0; i < draws; i++)
        {
            counts[sampler.sample(rng)]++;
        }
        // Chi-square over the 20 most likely indices plus the rest as one bin: 20 degrees of freedom, whose
        // 99.9% quantile is 45.3, so this fails wrongly once in a thousand seeds (it passes for the fixed one).
        double chiSquare = 0;
        double restExpected = draws;
        long restCount = draws;
        for (int i = 0; i < 20; i++)
        {
            final double expected = draws * sampler.probability(i);
            chiSquare += (counts[i] - expected) * (counts[i] - expected) / expected;
            restExpected -= expected;
            restCount -= counts[i];
        }
        chiSquare += (restCount - restExpected) * (restCount - restExpected) / restExpected;
        assertTrue(chiSquare < 45.3, "chi-square " + chiSquare);
        assertEquals(Math.pow(2, -1.1), sampler.probability(1) / sampler.probability(0), 1e-12);
    }

    @Test
    void equalSpecsGiveEqualMatricesOfDistinctCellsSplitIntoTrainAndTest()
    {
        final SparseMatrix a = ZipfMatrix.generate(SPEC);
        final SparseMatrix b = ZipfMatrix.generate(SPEC);
        assertEquals(SPEC.trainCells(), a.train().size());
        assertEquals(SPEC.testCells(), a.test().size());
        final LongHashSet seen = new LongHashSet();
        for (final Cells cells : new Cells[] {a.train(), a.test()})
        {
            for (int i = 0; i < cells.size(); i++)
            {
                assertTrue(cells.row(i) >= 0 && cells.row(i) < SPEC.rows());
                assertTrue(cells.col(i) >= 0 && cells.col(i) < SPEC.cols());
                assertTrue(seen.add((long)cells.row(i) * SPEC.cols() + cells.col(i)), "duplicate cell " + i);
            }
        }
        for (int i = 0; i < a.train().size(); i++)
        {
            assertEquals(a.train().row(i), b.train().row(i));
            assertEquals(a.train().col(i), b.train().col(i));
            assertEquals(a.train().value(i), b.train().value(i));
        }
        final SparseMatrix other = ZipfMatrix.generate(new MatrixSpec(3000, 800, 8, 60_000, 5_000, 0.1, 1.1, 8));
        assertTrue(other.train().value(0) != a.train().value(0) || other.train().row(0) != a.train().row(0));
    }

    @Test
    void rowFrequenciesAreSkewed()
    {
        final int[] perRow = ZipfMatrix.generate(SPEC).train().countPer(SPEC.rows(), false);
        final int[] sorted = perRow.clone();
        java.util.Arrays.sort(sorted);
        final int top = sorted[sorted.length - 1];
        final int median = sorted[sorted.length / 2];
        assertTrue(top > 50 * Math.max(median, 1), "hottest row " + top + " cells, median " + median);
    }

    @Test
    void rejectsImpossibleSpecsWithTheReason()
    {
        final IllegalArgumentException tooDense = assertThrows(IllegalArgumentException.class,
            () -> new MatrixSpec(100, 100, 4, 6000, 0, 0.1, 1.1, 1));
        assertTrue(tooDense.getMessage().contains("at most half"), tooDense.getMessage());
        final IllegalArgumentException noise = assertThrows(IllegalArgumentException.class,
            () -> new MatrixSpec(100, 100, 4, 10, 0, -1, 1.1, 1));
        assertTrue(noise.getMessage().contains("noise"), noise.getMessage());
        // Zipf rows and columns concentrate cells: 40% of this matrix cannot be drawn as distinct cells.
        final IllegalArgumentException draws = assertThrows(IllegalArgumentException.class,
            () -> ZipfMatrix.generate(new MatrixSpec(2000, 2000, 4, 1_600_000, 0, 0.1, 3.0, 1)));
        assertTrue(draws.getMessage().contains("distinct cells"), draws.getMessage());
    }
}
