package io.nups.apps.w2v;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SkipGramStepTest
{
    @Test
    void oneTargetFollowsWord2vecsRuleOnAHandExample()
    {
        // in·out = 0.5·0.2 − 0.25·0.4 = 0, σ(0) = ½: g = (1 − ½)·0.1 = 0.05 for the positive target.
        final SkipGramStep step = new SkipGramStep(2, new Sigmoid(false));
        final float[] in = {0.5f, -0.25f};
        final float[] out = {0.2f, 0.4f};
        step.beginPair();
        final float g = step.target(in, 0, out, 0, 1, 0.1f);
        assertEquals(0.05f, g, 1e-6f);
        step.addScaled(out, 0, g, in, 0);
        assertArrayEquals(new float[] {0.225f, 0.3875f}, out, 1e-6f, "out += g·in");
        // Negative target (label 0) with f = in·out2 = 0.5·1 + (−0.25)·(−2) = 1: g = −σ(1)·0.1.
        final float[] out2 = {1f, -2f};
        final float gn = step.target(in, 0, out2, 0, 0, 0.1f);
        assertEquals(-0.1 / (1 + Math.exp(-1)), gn, 2e-3, "table lookup of σ(1)");
        step.endPair(in, 0);
        // neu1e = 0.05·(0.2, 0.4) + gn·(1, −2), computed from the outputs before their update.
        assertArrayEquals(new float[] {0.01f + gn, 0.02f - 2 * gn}, in, 1e-6f);
        assertEquals(Math.log(2) + Math.log1p(Math.exp(1)), step.takeLoss(), 1e-2, "−log σ(0) − log σ(−1)");
        assertEquals(0, step.takeLoss());
    }

    @Test
    void theTableSaturatesOutsideSixAsWord2vecAndTheExactSigmoidDoesNot()
    {
        final Sigmoid table = new Sigmoid(false);
        assertEquals(0f, table.gradient(7f, 1, 0.1f));
        assertEquals(-0.1f, table.gradient(7f, 0, 0.1f));
        assertEquals(0.1f, table.gradient(-7f, 1, 0.1f));
        assertEquals(0f, table.gradient(-7f, 0, 0.1f));
        final Sigmoid exact = new Sigmoid(true);
        assertEquals(0.1 * (1 - 1 / (1 + Math.exp(-7))), exact.gradient(7f, 1, 0.1f), 1e-7);
        for (float f = -5.9f; f < 5.9f; f += 0.37f)
        {
            assertEquals(exact.gradient(f, 1, 1f), table.gradient(f, 1, 1f), 0.01, "table within 1% at " + f);
            assertEquals(exact.loss(f), table.loss(f), 0.02, "loss at " + f);
        }
        assertEquals(30.0, exact.loss(-30f), 1e-6, "−log σ(−30) without overflow");
    }

    @Test
    void theLearningRateDecaysLinearlyOverAllEpochsToAFloor()
    {
        assertEquals(0.025, W2vWorker.alpha(0.025, 0, 2, 5, 1000), 1e-12);
        // 2 nodes × 1,250 words per node = a quarter of 5 epochs × 2,000 words.
        assertEquals(0.025 * (1 - 2500.0 / 10_001), W2vWorker.alpha(0.025, 1250, 2, 5, 2000), 1e-12);
        assertEquals(0.025 * 1e-4, W2vWorker.alpha(0.025, 5000, 2, 5, 2000), 1e-12);
    }

    @Test
    void subsamplingKeepsWordsWithWord2vecsProbability()
    {
        // s·W = 1e-3 · 10,000 = 10: cn = 1,000 → (√(1000/10) + 1)·10/1000 = 0.11; cn = 5 → 3.41 (always kept).
        assertEquals(0.11, Subsampling.keepProbability(1000, 10), 1e-12);
        assertEquals((Math.sqrt(0.5) + 1) * 2, Subsampling.keepProbability(5, 10), 1e-12);
        final Vocabulary vocabulary = new Vocabulary(new String[] {"the", "rare"}, new long[] {9995, 5});
        final Subsampling subsampling = new Subsampling(vocabulary, 1e-3);
        assertEquals((Math.sqrt(9995 / 10.0) + 1) * 10 / 9995, subsampling.keep(0), 1e-6);
        int kept = 0;
        long random = 1;
        for (int i = 0; i < 65536; i++)
        {
            random = random * 25214903917L + 11;
            kept += subsampling.keeps(0, random) ? 1 : 0;
            assertEquals(true, subsampling.keeps(1, random));
        }
        // The LCG's low 16 bits run through all 65,536 values once per period: the kept share is exact.
        assertEquals(subsampling.keep(0), kept / 65536.0, 1.0 / 65536 + 1e-6);
        assertEquals(1f, new Subsampling(vocabulary, 0).keep(0), "threshold 0: subsampling off");
    }
}
