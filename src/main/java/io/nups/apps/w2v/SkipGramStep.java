package io.nups.apps.w2v;

/**
 * word2vec's skip-gram update for one (input, context) pair (reference §5.2 step 2): for each target
 * (the positive output vector, label 1, and the negatives, label 0) {@code f = in·out}, {@code g = (label −
 * σ(f))·α}, {@code neu1e += g·out}, {@code out += g·in}; after all targets {@code in += neu1e}. Works on caller
 * arrays so that a worker allocates nothing per pair; one instance per worker.
 */
final class SkipGramStep
{
    private final int dim;
    private final Sigmoid sigmoid;
    private final float[] neu1e;
    private double lossSum;

    SkipGramStep(final int dim, final Sigmoid sigmoid)
    {
        this.dim = dim;
        this.sigmoid = sigmoid;
        this.neu1e = new float[dim];
    }

    /** Starts a pair: clears the input's accumulated gradient. */
    void beginPair()
    {
        java.util.Arrays.fill(neu1e, 0);
    }

    /**
     * One target: adds {@code g·out} to the input's gradient, adds the logistic loss, and returns {@code g}; the
     * caller applies {@code g·in} to the output vector (see {@link #addScaled}).
     */
    float target(final float[] in, final int inOffset, final float[] out, final int outOffset, final int label,
        final float alpha)
    {
        float f = 0;
        for (int i = 0; i < dim; i++)
        {
            f += in[inOffset + i] * out[outOffset + i];
        }
        lossSum += sigmoid.loss(label == 1 ? f : -f);
        final float g = sigmoid.gradient(f, label, alpha);
        for (int i = 0; i < dim; i++)
        {
            neu1e[i] += g * out[outOffset + i];
        }
        return g;
    }

    /** Ends a pair: overwrites the input vector at {@code inOffset} with its delta {@code neu1e}. */
    void endPair(final float[] in, final int inOffset)
    {
        System.arraycopy(neu1e, 0, in, inOffset, dim);
    }

    /** {@code target[targetOffset..] += scale·source[sourceOffset..]} over one vector. */
    void addScaled(final float[] target, final int targetOffset, final float scale, final float[] source,
        final int sourceOffset)
    {
        for (int i = 0; i < dim; i++)
        {
            target[targetOffset + i] += scale * source[sourceOffset + i];
        }
    }

    /** {@code target[targetOffset..] = scale·source[sourceOffset..]} over one vector. */
    void setScaled(final float[] target, final int targetOffset, final float scale, final float[] source,
        final int sourceOffset)
    {
        for (int i = 0; i < dim; i++)
        {
            target[targetOffset + i] = scale * source[sourceOffset + i];
        }
    }

    /** Sum of the logistic losses of all targets so far; resets it. */
    double takeLoss()
    {
        final double loss = lossSum;
        lossSum = 0;
        return loss;
    }
}
