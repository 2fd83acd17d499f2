package io.nups.apps.w2v;

import java.util.HashMap;
import java.util.Map;

/**
 * The words of a corpus with their training counts, by id; ids are sorted by count descending (ties by word), so
 * id 0 is the most frequent word, as in word2vec (which has no {@code </s>} entry here: sentence ends are kept
 * apart, see {@link TokenStream}).
 */
public final class Vocabulary
{
    private final String[] words;
    private final long[] counts;
    private final Map<String, Integer> ids;
    private final long totalCount;

    Vocabulary(final String[] words, final long[] counts)
    {
        this.words = words;
        this.counts = counts;
        this.ids = new HashMap<>(words.length * 2);
        long total = 0;
        for (int id = 0; id < words.length; id++)
        {
            ids.put(words[id], id);
            total += counts[id];
        }
        this.totalCount = total;
    }

    public int size()
    {
        return words.length;
    }

    public String word(final int id)
    {
        return words[id];
    }

    public long count(final int id)
    {
        return counts[id];
    }

    /** Sum of all counts: the training words W of word2vec's formulas. */
    public long totalCount()
    {
        return totalCount;
    }

    /** The id of {@code word}, or -1 if it is not in the vocabulary. */
    public int id(final String word)
    {
        final Integer id = ids.get(word);
        return id == null ? -1 : id;
    }

    /** A copy of the counts by id. */
    public long[] counts()
    {
        return counts.clone();
    }
}
