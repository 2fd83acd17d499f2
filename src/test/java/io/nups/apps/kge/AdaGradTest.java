package io.nups.apps.kge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** NuPS's AdaGrad step against a hand computation, on a slice of a larger value with an offset delta. */
class AdaGradTest
{
    @Test
    void stepUpdatesParametersAndAccumulatorsAndRecordsTheDelta()
    {
        // value = [pad | θ = (1, -2) | G = (3, 0.5)], direction (2, 1), scale 0.5, decay 0.1, η 0.2
        final float[] value = {7, 1, -2, 3, 0.5f};
        final float[] delta = {0, 0, 0, 0.25f, 0, 0};
        new AdaGrad(0.2).step(value, 1, 2, new float[] {2, 1}, 0.5f, 0.1f, delta, 2);
        // g = 0.5·(2, 1) + 0.1·(1, -2) = (1.1, 0.3); g² = (1.21, 0.09); G = (4.21, 0.59)
        // Δθ = -0.2·g/√G = (-0.2·1.1/√4.21, -0.2·0.3/√0.59)
        final float d0 = (float)(-0.2 * 1.1 / Math.sqrt(4.21));
        final float d1 = (float)(-0.2 * 0.3 / Math.sqrt(0.59));
        assertArrayEquals(new float[] {7, 1 + d0, -2 + d1, 4.21f, 0.59f}, value, 1e-6f);
        assertArrayEquals(new float[] {0, 0, d0, 0.25f + d1, 1.21f, 0.09f}, delta, 1e-6f);
    }

    @Test
    void zeroGradientLeavesTheValueAndAddsNothing()
    {
        final float[] value = {0.5f, 1e-6f};
        final float[] delta = new float[2];
        new AdaGrad(0.1).step(value, 0, 1, new float[] {3}, 0, 0, delta, 0);
        assertArrayEquals(new float[] {0.5f, 1e-6f}, value);
        assertArrayEquals(new float[] {0, 0}, delta);
    }
}
