package io.nups.apps.kge;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Scores and their gradients against finite differences for ComplEx and RESCAL, the query vectors evaluation
 * uses against the score, ComplEx's formula on a hand example, and the logistic loss slope.
 */
class KgeModelTest
{
    private static final float H = 1e-2f;

    @Test
    void complexGradientsMatchFiniteDifferences()
    {
        checkGradients(new ComplEx(8));
    }

    @Test
    void rescalGradientsMatchFiniteDifferences()
    {
        checkGradients(new Rescal(5));
    }

    @Test
    void queriesDottedWithTheOtherEntityGiveTheScore()
    {
        for (final KgeModel model : new KgeModel[] {new ComplEx(6), new Rescal(4)})
        {
            final float[][] sro = randomTriple(model, 3);
            final float[] query = new float[model.entityLength()];
            final double score = model.score(sro[0], 0, sro[1], 0, sro[2], 0);
            model.tailQuery(sro[0], 0, sro[1], 0, query);
            assertEquals(score, dot(query, sro[2]), 1e-5, model.name() + " tail query");
            model.headQuery(sro[1], 0, sro[2], 0, query);
            assertEquals(score, dot(query, sro[0]), 1e-5, model.name() + " head query");
        }
    }

    @Test
    void complexScoreIsTheRealPartOfTheTrilinearProductWithTheConjugateObject()
    {
        // one complex number each: s = 1 + 2i, r = 3 - 1i, o = 2 + 1i; r·s·conj(o) = (5 + 5i)(2 - i) = 15 + 5i
        final ComplEx model = new ComplEx(2);
        assertEquals(15, model.score(new float[] {1, 2}, 0, new float[] {3, -1}, 0, new float[] {2, 1}, 0), 1e-9);
        // offsets address slices of larger arrays
        assertEquals(15, model.score(new float[] {9, 1, 2}, 1, new float[] {3, -1}, 0, new float[] {0, 0, 2, 1}, 2),
            1e-9);
    }

    @Test
    void rescalScoreIsTheBilinearForm()
    {
        // s = (1, 2), R = [[1, 2], [3, 4]], o = (1, -1): Ro = (-1, -1), s·Ro = -3
        assertEquals(-3, new Rescal(2).score(new float[] {1, 2}, 0, new float[] {1, 2, 3, 4}, 0,
            new float[] {1, -1}, 0), 1e-9);
    }

    @Test
    void lossSlopeIsTheDerivativeOfTheLogisticLoss()
    {
        for (final double x : new double[] {-5, -0.3, 0, 0.7, 4})
        {
            final double h = 1e-5;
            final double positive = (KgeWorker.softplus(-(x + h)) - KgeWorker.softplus(-(x - h))) / (2 * h);
            final double negative = (KgeWorker.softplus(x + h) - KgeWorker.softplus(x - h)) / (2 * h);
            assertEquals(KgeWorker.sigmoid(x) - 1, positive, 1e-7, "positive at " + x);
            assertEquals(KgeWorker.sigmoid(x), negative, 1e-7, "negative at " + x);
        }
        assertEquals(1, KgeWorker.sigmoid(31));
        assertEquals(0, KgeWorker.sigmoid(-31));
        assertEquals(800, KgeWorker.softplus(800), 1e-9, "no overflow");
    }

    @Test
    void oddComplexDimIsRefused()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new ComplEx(7));
        assertEquals("ComplEx needs an even dim >= 2 (real and imaginary halves), got 7", ex.getMessage());
    }

    private static void checkGradients(final KgeModel model)
    {
        for (int trial = 0; trial < 5; trial++)
        {
            final float[][] sro = randomTriple(model, trial);
            final float[] gs = new float[model.entityLength()];
            final float[] gr = new float[model.relationLength()];
            final float[] go = new float[model.entityLength()];
            model.headQuery(sro[1], 0, sro[2], 0, gs);
            model.relationGradient(sro[0], 0, sro[2], 0, gr);
            model.tailQuery(sro[0], 0, sro[1], 0, go);
            final float[][] analytic = {gs, gr, go};
            for (int part = 0; part < 3; part++)
            {
                for (int i = 0; i < sro[part].length; i++)
                {
                    final float kept = sro[part][i];
                    sro[part][i] = kept + H;
                    final double up = model.score(sro[0], 0, sro[1], 0, sro[2], 0);
                    sro[part][i] = kept - H;
                    final double down = model.score(sro[0], 0, sro[1], 0, sro[2], 0);
                    sro[part][i] = kept;
                    final double numeric = (up - down) / ((double)(kept + H) - (double)(kept - H));
                    assertEquals(numeric, analytic[part][i], 1e-4 * (1 + Math.abs(numeric)),
                        model.name() + " d score / d " + "sro".charAt(part) + "[" + i + "]");
                }
            }
        }
    }

    private static float[][] randomTriple(final KgeModel model, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[][] sro = {new float[model.entityLength()], new float[model.relationLength()],
            new float[model.entityLength()]};
        for (final float[] v : sro)
        {
            for (int i = 0; i < v.length; i++)
            {
                v[i] = (float)(2 * random.nextDouble() - 1);
            }
        }
        return sro;
    }

    private static double dot(final float[] a, final float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.length; i++)
        {
            sum += (double)a[i] * b[i];
        }
        return sum;
    }
}
