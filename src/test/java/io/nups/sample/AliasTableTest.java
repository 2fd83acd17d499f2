package io.nups.sample;

import io.nups.manage.HotKeys;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ready-made distributions draw what they promise (chi-square, see {@link ChiSquare} for its error rate). */
class AliasTableTest
{
    private static final int DRAWS = 400_000;

    /** Zipf-like weights over 200 keys, with every seventh key at weight 0. */
    private static double[] skewed()
    {
        final double[] weights = new double[200];
        for (int k = 0; k < weights.length; k++)
        {
            weights[k] = k % 7 == 3 ? 0 : 1.0 / Math.pow(k + 1, 1.1);
        }
        return weights;
    }

    private static long[] count(final KeyDraw draw, final int numKeys, final int draws)
    {
        final long[] counts = new long[numKeys];
        for (int i = 0; i < draws; i++)
        {
            counts[draw.nextKey()]++;
        }
        return counts;
    }

    private static double[] probabilities(final AliasTable table)
    {
        final double[] p = new double[table.numKeys()];
        for (int k = 0; k < p.length; k++)
        {
            p[k] = table.probability(k);
        }
        return p;
    }

    @Test
    void aliasTableDrawsItsWeights()
    {
        final double[] weights = skewed();
        final AliasTable table = AliasTable.of(weights);
        final double total = Arrays.stream(weights).sum();
        for (int k = 0; k < weights.length; k++)
        {
            assertEquals(weights[k] / total, table.probability(k), 1e-15);
        }
        final long[] counts = count(table.newDraw(11), weights.length, DRAWS);
        for (int k = 3; k < weights.length; k += 7)
        {
            assertEquals(0, counts[k], "key " + k + " has weight 0");
        }
        ChiSquare.assertFits("alias table", counts, probabilities(table));
    }

    @Test
    void chiSquareRejectsTheWrongDistribution()
    {
        // The check the sampling tests rely on has power: uniform draws do not pass as the skewed target.
        final AliasTable table = AliasTable.of(skewed());
        final double[] uniform = new double[200];
        Arrays.fill(uniform, 1.0 / 200);
        final long[] counts = count(AliasTable.of(uniform).newDraw(3), 200, 20_000);
        assertThrows(AssertionError.class, () -> ChiSquare.assertFits("uniform", counts, probabilities(table)));
        // ... and neither does the target with a few percent of mass moved between two keys.
        final double[] shifted = skewed();
        shifted[0] *= 0.97;
        shifted[1] += skewed()[0] * 0.03;
        final long[] near = count(AliasTable.of(shifted).newDraw(5), 200, DRAWS);
        assertFalse(ChiSquare.of(near, probabilities(table)).fits());
    }

    @Test
    void unigramIsFrequencyToThePowerThreeQuarters()
    {
        final long[] counts = {1000, 0, 16, 81, 1};
        final AliasTable table = AliasTable.unigram(counts);
        final double total = Math.pow(1000, 0.75) + 8 + 27 + 1;
        assertEquals(Math.pow(1000, 0.75) / total, table.probability(0), 1e-12);
        assertEquals(0, table.probability(1));
        assertEquals(8 / total, table.probability(2), 1e-12);
        assertEquals(27 / total, table.probability(3), 1e-12);
        ChiSquare.assertFits("unigram", count(table.newDraw(1), 5, DRAWS), probabilities(table));
    }

    @Test
    void replicatedKeysAreDividedByTheNodeCount()
    {
        final AliasTable table = AliasTable.of(new double[] {4, 4, 4, 4});
        final AliasTable divided = table.divideReplicated(HotKeys.of(4, 1, 3), 4);
        assertEquals(4 / 10.0, divided.probability(0), 1e-15);
        assertEquals(1 / 10.0, divided.probability(1), 1e-15);
        assertEquals(4 / 10.0, divided.probability(2), 1e-15);
        assertEquals(1 / 10.0, divided.probability(3), 1e-15);
        ChiSquare.assertFits("divided", count(divided.newDraw(2), 4, DRAWS), probabilities(divided));
        assertThrows(IllegalArgumentException.class, () -> table.divideReplicated(HotKeys.of(5, 1), 4));
    }

    @Test
    void uniformRangeDrawsEachKeyEquallyAndNothingOutside()
    {
        final KeyDraw draw = KeyDistribution.uniform(100, 150).newDraw(9);
        final long[] counts = new long[200];
        for (int i = 0; i < DRAWS; i++)
        {
            counts[draw.nextKey()]++;
        }
        final double[] expected = new double[200];
        Arrays.fill(expected, 100, 150, 1.0 / 50);
        ChiSquare.assertFits("uniform", counts, expected);
        assertThrows(IllegalArgumentException.class, () -> KeyDistribution.uniform(5, 5));
        assertThrows(IllegalArgumentException.class, () -> KeyDistribution.uniform(-1, 5));
    }

    @Test
    void streamsAreReproducibleBySeedAndDifferAcrossSeeds()
    {
        final AliasTable table = AliasTable.of(skewed());
        final int[] a = draws(table.newDraw(42));
        assertArrayEquals(a, draws(table.newDraw(42)));
        assertNotEquals(Arrays.toString(a), Arrays.toString(draws(table.newDraw(43))));
    }

    private static int[] draws(final KeyDraw draw)
    {
        final int[] keys = new int[64];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = draw.nextKey();
        }
        return keys;
    }

    @Test
    void badWeightsAreRejectedNamingTheKey()
    {
        final IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
            () -> AliasTable.of(new double[] {1, -2}));
        assertTrue(negative.getMessage().contains("key 1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[] {1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[] {0, 0}));
        assertThrows(IllegalArgumentException.class, () -> AliasTable.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> AliasTable.ofFrequencies(new long[] {3, -1}, 0.75));
        assertThrows(IllegalArgumentException.class, () -> AliasTable.ofFrequencies(new long[] {3}, Double.NaN));
    }
}
