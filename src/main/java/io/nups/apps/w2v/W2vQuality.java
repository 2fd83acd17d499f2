package io.nups.apps.w2v;

import io.nups.api.Worker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Quality of word vectors without external benchmarks, on the {@code evalWords} most frequent words' input
 * vectors:
 * <ul>
 *     <li>{@value #SYNONYM_AUC}: ROC AUC of cosine similarity separating given synonym pairs (both words among the
 *     evaluated words) from random pairs of evaluated words (a seeded sample of at least {@value #MIN_NEGATIVES});
 *     </li>
 *     <li>without usable synonym pairs, {@value #COOCCURRENCE_AUC}: ROC AUC of cosine separating word pairs that
 *     occur within the window of each other in the held-out text from pairs whose second word is replaced by a
 *     random held-out token (same frequency profile, so the score measures association, not frequency).</li>
 * </ul>
 * Both use at most {@value #MAX_PAIRS} positive pairs (a seeded sample); {@value #PAIRS} gives their number.
 * The pairs are chosen at construction from data every node holds, so every node evaluates the same pairs.
 */
final class W2vQuality
{
    static final String SYNONYM_AUC = "synonym_auc";
    static final String COOCCURRENCE_AUC = "cooccurrence_auc";
    static final String PAIRS = "pairs";
    static final int MAX_PAIRS = 10_000;
    static final int MIN_NEGATIVES = 1_000;
    private static final int NEIGHBOURS = 5;
    private static final int[] PROBE_RANKS = {10, 30, 100, 300, 1000};
    private static final int PULL_BATCH = 512;

    private final Vocabulary vocabulary;
    private final W2vKeys keys;
    private final int words;
    private final int dim;
    private final String scoreName;
    private final int[][] positives;
    private final int[][] negatives;
    private final String note;

    W2vQuality(final Vocabulary vocabulary, final W2vKeys keys, final int dim, final int evalWords,
        final List<SynonymPair> synonyms, final TokenStream heldOut, final int window, final long seed)
    {
        this.vocabulary = vocabulary;
        this.keys = keys;
        this.dim = dim;
        this.words = Math.min(evalWords, vocabulary.size());
        final SplittableRandom random = new SplittableRandom(seed);
        final List<int[]> synonymIds = synonymIds(synonyms);
        if (!synonymIds.isEmpty())
        {
            scoreName = SYNONYM_AUC;
            positives = sample(synonymIds, random);
            negatives = randomPairs(Math.max(MIN_NEGATIVES, positives.length), random);
            note = positives.length + " of " + synonyms.size() + " synonym pairs have both words among the " + words +
                " most frequent words";
        }
        else
        {
            scoreName = COOCCURRENCE_AUC;
            positives = cooccurrences(heldOut, window, random);
            negatives = replaceSecond(positives, heldOut, random);
            note = (synonyms.isEmpty() ? "no synonym pairs given" : "none of " + synonyms.size() + " synonym pairs " +
                "has both words among the " + words + " most frequent words") + "; scoring " + positives.length +
                " co-occurrences in " + heldOut.size() + " held-out tokens against random pairs";
        }
    }

    /** The quality key of the score: {@value #SYNONYM_AUC} or {@value #COOCCURRENCE_AUC}. */
    String scoreName()
    {
        return scoreName;
    }

    /** Which pairs the score uses, for the log. */
    String note()
    {
        return note;
    }

    /**
     * The evaluated words' input vectors, pulled through {@code worker} (remote keys by a plain pull) and scaled
     * to unit length, concatenated.
     */
    float[] unitVectors(final Worker worker)
    {
        final float[] unit = new float[words * dim];
        for (int from = 0; from < words; from += PULL_BATCH)
        {
            final int count = Math.min(PULL_BATCH, words - from);
            final int[] batch = new int[count];
            for (int i = 0; i < count; i++)
            {
                batch[i] = keys.input(from + i);
            }
            final float[] values = new float[count * dim];
            worker.waitFor(worker.pull(batch, values));
            System.arraycopy(values, 0, unit, from * dim, values.length);
        }
        for (int w = 0; w < words; w++)
        {
            double norm = 0;
            for (int i = 0; i < dim; i++)
            {
                norm += unit[w * dim + i] * unit[w * dim + i];
            }
            final float scale = norm > 0 ? (float)(1 / Math.sqrt(norm)) : 0;
            for (int i = 0; i < dim; i++)
            {
                unit[w * dim + i] *= scale;
            }
        }
        return unit;
    }

    /** The score and the number of positive pairs, by quality key; the score is NaN without pairs. */
    Map<String, Double> score(final float[] unit)
    {
        final Map<String, Double> quality = new LinkedHashMap<>();
        quality.put(scoreName, positives.length == 0 || negatives.length == 0 ? Double.NaN :
            RocAuc.of(cosines(unit, positives), cosines(unit, negatives)));
        quality.put(PAIRS, (double)positives.length);
        return quality;
    }

    /** One line per probe word: its nearest neighbours by cosine among the evaluated words. */
    List<String> neighbours(final float[] unit)
    {
        final List<String> lines = new ArrayList<>();
        for (final int probe : probes())
        {
            final int[] best = new int[NEIGHBOURS];
            final double[] bestScore = new double[NEIGHBOURS];
            java.util.Arrays.fill(best, -1);
            java.util.Arrays.fill(bestScore, Double.NEGATIVE_INFINITY);
            for (int w = 0; w < words; w++)
            {
                if (w == probe)
                {
                    continue;
                }
                final double score = cosine(unit, probe, w);
                // insertion into the small sorted top list
                for (int i = 0; i < NEIGHBOURS; i++)
                {
                    if (score > bestScore[i])
                    {
                        System.arraycopy(bestScore, i, bestScore, i + 1, NEIGHBOURS - 1 - i);
                        System.arraycopy(best, i, best, i + 1, NEIGHBOURS - 1 - i);
                        bestScore[i] = score;
                        best[i] = w;
                        break;
                    }
                }
            }
            final StringBuilder line = new StringBuilder("neighbours of '").append(vocabulary.word(probe)).append("':");
            for (int i = 0; i < NEIGHBOURS && best[i] >= 0; i++)
            {
                line.append(String.format(Locale.ROOT, " %s %.3f", vocabulary.word(best[i]), bestScore[i]));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** Frequent words, skipping the very top (mostly function words) when the vocabulary is large enough. */
    private int[] probes()
    {
        final List<Integer> probes = new ArrayList<>();
        for (final int rank : PROBE_RANKS)
        {
            if (rank < words)
            {
                probes.add(rank);
            }
        }
        for (int w = 0; probes.size() < Math.min(PROBE_RANKS.length, words); w++)
        {
            if (!probes.contains(w))
            {
                probes.add(w);
            }
        }
        return probes.stream().mapToInt(Integer::intValue).toArray();
    }

    private double[] cosines(final float[] unit, final int[][] pairs)
    {
        final double[] scores = new double[pairs.length];
        for (int i = 0; i < pairs.length; i++)
        {
            scores[i] = cosine(unit, pairs[i][0], pairs[i][1]);
        }
        return scores;
    }

    private double cosine(final float[] unit, final int a, final int b)
    {
        double dot = 0;
        for (int i = 0; i < dim; i++)
        {
            dot += unit[a * dim + i] * unit[b * dim + i];
        }
        return dot;
    }

    private boolean evaluated(final int word)
    {
        return word >= 0 && word < words;
    }

    private List<int[]> synonymIds(final List<SynonymPair> synonyms)
    {
        final List<int[]> ids = new ArrayList<>();
        for (final SynonymPair pair : synonyms)
        {
            final int a = vocabulary.id(pair.first());
            final int b = vocabulary.id(pair.second());
            if (evaluated(a) && evaluated(b) && a != b)
            {
                ids.add(new int[] {a, b});
            }
        }
        return ids;
    }

    /** Pairs of different evaluated words within {@code window} of each other, a seeded sample of at most
     * {@value #MAX_PAIRS} (reservoir sampling, so held-out text of any size takes no more memory). */
    private int[][] cooccurrences(final TokenStream text, final int window, final SplittableRandom random)
    {
        final Reservoir reservoir = new Reservoir(random);
        for (int s = 0; s < text.sentences(); s++)
        {
            final int start = text.start(s);
            final int end = text.end(s);
            for (int p = start; p < end; p++)
            {
                final int a = text.token(p);
                for (int c = Math.max(start, p - window); c < Math.min(end, p + window + 1); c++)
                {
                    final int b = text.token(c);
                    if (c != p && a != b && evaluated(a) && evaluated(b))
                    {
                        reservoir.offer(a, b);
                    }
                }
            }
        }
        return reservoir.pairs();
    }

    /** At most {@value #MAX_PAIRS} of {@code pairs}, a seeded uniform sample. */
    private static int[][] sample(final List<int[]> pairs, final SplittableRandom random)
    {
        final Reservoir reservoir = new Reservoir(random);
        pairs.forEach(pair -> reservoir.offer(pair[0], pair[1]));
        return reservoir.pairs();
    }

    /** A uniform sample of at most {@value #MAX_PAIRS} of the pairs offered (Algorithm R). */
    private static final class Reservoir
    {
        private final SplittableRandom random;
        private final int[][] kept = new int[MAX_PAIRS][];
        private long offered;

        Reservoir(final SplittableRandom random)
        {
            this.random = random;
        }

        void offer(final int a, final int b)
        {
            final long slot = offered < MAX_PAIRS ? offered : random.nextLong(offered + 1);
            offered++;
            if (slot < MAX_PAIRS)
            {
                kept[(int)slot] = new int[] {a, b};
            }
        }

        int[][] pairs()
        {
            return java.util.Arrays.copyOf(kept, (int)Math.min(offered, MAX_PAIRS));
        }
    }

    private int[][] randomPairs(final int count, final SplittableRandom random)
    {
        if (words < 2)
        {
            return new int[0][];
        }
        final int[][] pairs = new int[count][];
        for (int i = 0; i < count; i++)
        {
            final int a = random.nextInt(words);
            final int b = (a + 1 + random.nextInt(words - 1)) % words;
            pairs[i] = new int[] {a, b};
        }
        return pairs;
    }

    /**
     * Each positive (a, b) becomes (a, r), r the token at a random held-out position that is evaluated and not a
     * (a few tries; a pair is left out if they all fail, as when one word fills the text).
     */
    private int[][] replaceSecond(final int[][] pairs, final TokenStream text, final SplittableRandom random)
    {
        final List<int[]> replaced = new ArrayList<>();
        for (final int[] pair : pairs)
        {
            for (int attempt = 0; attempt < 64; attempt++)
            {
                final int r = text.token(random.nextInt(text.size()));
                if (r != pair[0] && evaluated(r))
                {
                    replaced.add(new int[] {pair[0], r});
                    break;
                }
            }
        }
        return replaced.toArray(new int[0][]);
    }
}
