package io.nups.apps.kge;

/**
 * NuPS's AdaGrad step on a value laid out as {@code [parameters(n) | accumulators(n)]} (reference §5.1): with
 * g = scale·direction + decay·θ, the accumulator grows by g² and θ moves by −η·g/√(G_old + g²). The step is applied
 * to the local copy and added to a delta of the same layout, which is what the worker pushes.
 */
final class AdaGrad
{
    private final float learningRate;

    AdaGrad(final double learningRate)
    {
        this.learningRate = (float)learningRate;
    }

    /**
     * One step on the {@code n} parameters at {@code value[offset]} (accumulators at {@code offset + n}).
     *
     * @param direction gradient direction, {@code direction[0, n)}
     * @param scale     factor of the direction (the loss derivative)
     * @param decay     L2 weight, 0 for none
     * @param delta     receives {@code [Δθ | g²]} added at {@code deltaOffset}
     */
    void step(final float[] value, final int offset, final int n, final float[] direction, final float scale,
        final float decay, final float[] delta, final int deltaOffset)
    {
        for (int i = 0; i < n; i++)
        {
            final int p = offset + i;
            final float g = scale * direction[i] + decay * value[p];
            final float g2 = g * g;
            final float accumulator = value[p + n] + g2;
            final float change = -learningRate * g / (float)Math.sqrt(accumulator);
            value[p] += change;
            value[p + n] = accumulator;
            delta[deltaOffset + i] += change;
            delta[deltaOffset + n + i] += g2;
        }
    }
}
