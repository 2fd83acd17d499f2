package io.nups.apps.wordnet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Random word pairs, the negatives of a word-vector quality score against {@link WordNet#synonymPairs()}. */
public final class RandomWordPairs
{
    // a draw is rejected when it repeats or is excluded; beyond this many draws per pair the words are too few
    private static final int DRAWS_PER_PAIR = 100;

    private RandomWordPairs()
    {
    }

    /**
     * {@code count} distinct pairs of distinct words drawn uniformly from {@code words}, none of them in
     * {@code excluded}, in draw order. The same arguments give the same pairs ({@link Random} with {@code seed}).
     *
     * @throws IllegalArgumentException if {@code words} has too few distinct words for {@code count} such pairs
     */
    public static List<WordPair> sample(final List<String> words, final Collection<WordPair> excluded,
        final int count, final long seed)
    {
        final Set<WordPair> skip = new HashSet<>(excluded);
        final Set<WordPair> drawn = new HashSet<>();
        final List<WordPair> pairs = new ArrayList<>(count);
        final Random random = new Random(seed);
        final long maxDraws = (long)DRAWS_PER_PAIR * Math.max(count, 1);
        for (long draws = 0; pairs.size() < count; draws++)
        {
            if (draws == maxDraws || words.size() < 2)
            {
                throw new IllegalArgumentException("cannot draw " + count + " distinct random pairs from " +
                    words.size() + " words (" + pairs.size() + " found in " + draws + " draws); give more words");
            }
            final String a = words.get(random.nextInt(words.size()));
            final String b = words.get(random.nextInt(words.size()));
            if (!a.equals(b))
            {
                final WordPair pair = WordPair.of(a, b);
                if (!skip.contains(pair) && drawn.add(pair))
                {
                    pairs.add(pair);
                }
            }
        }
        return pairs;
    }
}
