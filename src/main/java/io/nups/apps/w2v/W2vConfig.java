package io.nups.apps.w2v;

/**
 * Hyperparameters of skip-gram with negative sampling (reference §5.2; names after word2vec's and NuPS's flags).
 * Epochs, threads and seed come from {@link io.nups.apps.task.TaskSettings}.
 *
 * @param dim             embedding size ({@code embed_dim}, {@code -size}); default 200
 * @param window          largest distance of a context word ({@code -window}); default 5
 * @param negative        negative samples per (word, context) pair ({@code -negative}); default 25
 * @param minCount        words occurring fewer times are dropped ({@code -min-count}); default 5
 * @param subsample       threshold s of frequent-word subsampling ({@code -sample}); 0 = off; default 1e-4
 * @param alpha           starting learning rate α₀ ({@code -alpha}), decayed linearly over all epochs to α₀·1e-4;
 *                        default 0.025
 * @param lowercase       lower-case the corpus (word2vec does not); default false
 * @param sentencePerLine a line is a sentence (word2vec); false: a file is one text, split every 1,000 words
 * @param heldOutEvery    every k-th sentence is held out for the fallback quality score (see {@link W2vQuality});
 *                        0 = none; default 20 (5 %)
 * @param prepareAhead    windows whose negative samples are prepared ahead of use ({@code prep_context_ahead});
 *                        default 10
 * @param exactSigmoid    compute σ exactly instead of word2vec's 1,000-entry table on [-6, 6]; default false
 * @param evalWords       quality and neighbours look at the most frequent words only (as word2vec's
 *                        compute-accuracy's threshold); default 30,000
 */
public record W2vConfig(int dim, int window, int negative, int minCount, double subsample, double alpha,
    boolean lowercase, boolean sentencePerLine, int heldOutEvery, int prepareAhead, boolean exactSigmoid,
    int evalWords)
{
    /** The reference's defaults (§5.2). */
    public static final W2vConfig DEFAULT = new W2vConfig(200, 5, 25, 5, 1e-4, 0.025, false, true, 20, 10, false,
        30_000);

    public W2vConfig
    {
        positive("dim", dim);
        positive("window", window);
        positive("negative", negative);
        positive("min count", minCount);
        positive("prepare-ahead windows", prepareAhead);
        positive("evaluation words", evalWords);
        if (!(subsample >= 0) || Double.isInfinite(subsample))
        {
            throw new IllegalArgumentException("subsample threshold must be finite and >= 0 (0 = off), got " +
                subsample);
        }
        if (!(alpha > 0) || Double.isInfinite(alpha))
        {
            throw new IllegalArgumentException("learning rate alpha must be finite and > 0, got " + alpha);
        }
        if (heldOutEvery < 0 || heldOutEvery == 1)
        {
            throw new IllegalArgumentException("held-out share: every k-th sentence needs k = 0 (none) or k >= 2, " +
                "got " + heldOutEvery);
        }
    }

    private static void positive(final String name, final int value)
    {
        if (value < 1)
        {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    public W2vConfig withDim(final int value)
    {
        return new W2vConfig(value, window, negative, minCount, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withWindow(final int value)
    {
        return new W2vConfig(dim, value, negative, minCount, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withNegative(final int value)
    {
        return new W2vConfig(dim, window, value, minCount, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withMinCount(final int value)
    {
        return new W2vConfig(dim, window, negative, value, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withSubsample(final double value)
    {
        return new W2vConfig(dim, window, negative, minCount, value, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withAlpha(final double value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, value, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withLowercase(final boolean value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, alpha, value, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withSentencePerLine(final boolean value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, alpha, lowercase, value,
            heldOutEvery, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withHeldOutEvery(final int value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, alpha, lowercase, sentencePerLine,
            value, prepareAhead, exactSigmoid, evalWords);
    }

    public W2vConfig withPrepareAhead(final int value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, value, exactSigmoid, evalWords);
    }

    public W2vConfig withExactSigmoid(final boolean value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, value, evalWords);
    }

    public W2vConfig withEvalWords(final int value)
    {
        return new W2vConfig(dim, window, negative, minCount, subsample, alpha, lowercase, sentencePerLine,
            heldOutEvery, prepareAhead, exactSigmoid, value);
    }
}
