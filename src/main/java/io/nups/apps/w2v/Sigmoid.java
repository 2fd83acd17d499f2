package io.nups.apps.w2v;

/**
 * σ for the skip-gram gradient and log σ for its loss: word2vec's table of 1,000 values on [-6, 6] (outside,
 * the gradient saturates as in word2vec), or exact.
 */
final class Sigmoid
{
    static final int TABLE_SIZE = 1000;
    static final float MAX = 6;
    private static final float SCALE = TABLE_SIZE / MAX / 2;

    private final boolean exact;
    private final float[] sigma = new float[TABLE_SIZE + 1];
    private final float[] negLogSigma = new float[TABLE_SIZE + 1];

    Sigmoid(final boolean exact)
    {
        this.exact = exact;
        for (int i = 0; i <= TABLE_SIZE; i++)
        {
            final double x = ((double)i / TABLE_SIZE * 2 - 1) * MAX;
            final double e = Math.exp(x);
            sigma[i] = (float)(e / (e + 1));
            negLogSigma[i] = (float)Math.log1p(Math.exp(-x));
        }
    }

    /** word2vec's {@code g = (label − σ(f))·α}, with the table's saturation outside [-6, 6]. */
    float gradient(final float f, final int label, final float alpha)
    {
        if (exact)
        {
            return (float)((label - 1 / (1 + Math.exp(-f))) * alpha);
        }
        if (f > MAX)
        {
            return (label - 1) * alpha;
        }
        if (f < -MAX)
        {
            return label * alpha;
        }
        return (label - sigma[(int)((f + MAX) * SCALE)]) * alpha;
    }

    /** The logistic loss −log σ(x) (x = f for a positive target, −f for a negative one). */
    float loss(final float x)
    {
        if (exact || x < -MAX || x > MAX)
        {
            return (float)(x < 0 ? -x + Math.log1p(Math.exp(x)) : Math.log1p(Math.exp(-x)));
        }
        return negLogSigma[(int)((x + MAX) * SCALE)];
    }
}
