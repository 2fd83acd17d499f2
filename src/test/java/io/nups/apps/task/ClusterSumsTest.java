package io.nups.apps.task;

import io.nups.api.Nups;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSumsTest
{
    private static final int SUM_KEY = 10;

    @Test
    void everyWorkerOfEveryNodeGetsTheTotalTwiceInARow() throws Exception
    {
        final List<List<double[]>> results = AppCluster.run(3, Nups.Transport.TCP,
            b -> b.keys(SUM_KEY + 1, ClusterSums.length(3)).threads(2).mode(Nups.Mode.RELOCATION),
            ps -> AppCluster.onWorkers(ps, worker ->
            {
                final int contributor = 2 * worker.rank() + worker.index();
                final double[] first = ClusterSums.sum(worker, SUM_KEY,
                    new double[]{contributor, 1, 1e6 + 0.001 * contributor});
                final double[] second = ClusterSums.sum(worker, SUM_KEY, new double[]{1, 2, 3});
                return new double[]{first[0], first[1], first[2], second[0], second[1], second[2]};
            }), Duration.ofSeconds(90));
        for (final List<double[]> node : results)
        {
            for (final double[] sums : node)
            {
                // contributors 0..5: sum 15; six ones; 6e6 + 0.015 (kept to 1e-7 relative by the two-float split)
                assertEquals(15, sums[0]);
                assertEquals(6, sums[1]);
                assertEquals(6e6 + 0.015, sums[2], 6e6 * 1e-7 * 6);
                assertArrayEquals(new double[]{6, 12, 18}, new double[]{sums[3], sums[4], sums[5]});
            }
        }
    }

    @Test
    void theTwoFloatSplitKeepsMoreThanFloatPrecisionForOneContributor() throws Exception
    {
        final List<List<double[]>> results = AppCluster.run(1, Nups.Transport.TCP,
            b -> b.keys(SUM_KEY + 1, ClusterSums.length(1)).threads(1),
            ps -> AppCluster.onWorkers(ps, worker -> ClusterSums.sum(worker, SUM_KEY, new double[]{1.0 / 3})),
            Duration.ofSeconds(30));
        final double sum = results.get(0).get(0)[0];
        assertTrue(Math.abs(sum - 1.0 / 3) < 1e-12, "1/3 came back as " + sum);
        assertTrue(Math.abs((float)(1.0 / 3) - 1.0 / 3) > 1e-9, "a float alone would lose it");
    }

    @Test
    void aKeyTooShortForTheValuesIsRefusedNamingTheLengths() throws Exception
    {
        final List<List<String>> results = AppCluster.run(1, Nups.Transport.TCP,
            b -> b.keys(SUM_KEY + 1, 3).threads(1),
            ps -> AppCluster.onWorkers(ps, worker -> assertThrows(IllegalArgumentException.class,
                () -> ClusterSums.sum(worker, SUM_KEY, new double[]{1, 2})).getMessage()),
            Duration.ofSeconds(30));
        assertEquals("sum key 10 holds 3 floats; 2 values need 4", results.get(0).get(0));
    }
}
