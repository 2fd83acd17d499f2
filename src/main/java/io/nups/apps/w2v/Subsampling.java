package io.nups.apps.w2v;

/**
 * word2vec's subsampling of frequent words: keep an occurrence of word w with probability
 * {@code (√(cn/(s·W)) + 1)·(s·W)/cn} (reference §5.2), where s is the threshold and W the training words.
 */
final class Subsampling
{
    private final float[] keep;

    Subsampling(final Vocabulary vocabulary, final double threshold)
    {
        keep = new float[vocabulary.size()];
        final double sw = threshold * vocabulary.totalCount();
        for (int w = 0; w < keep.length; w++)
        {
            keep[w] = threshold <= 0 ? 1 : (float)keepProbability(vocabulary.count(w), sw);
        }
    }

    static double keepProbability(final long count, final double thresholdTimesWords)
    {
        return (Math.sqrt(count / thresholdTimesWords) + 1) * thresholdTimesWords / count;
    }

    /** The keep probability of {@code word} (may exceed 1: always kept). */
    float keep(final int word)
    {
        return keep[word];
    }

    /** word2vec's test: drop when the probability is below the low 16 bits of the generator as a fraction. */
    boolean keeps(final int word, final long random)
    {
        return keep[word] >= (random & 0xFFFF) / 65536f;
    }
}
