package io.nups.apps.wordnet;

import java.io.BufferedReader;
import java.util.function.Consumer;

/**
 * Streams the entries of a WordNet {@code index.noun|verb|adj|adv} file (format wndb(5WN)):
 * <pre>
 * lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset [synset_offset...]
 * </pre>
 * The offsets are the lemma's senses in order, most frequent first; that order numbers the synsets
 * ({@code dog.n.01}). Lines starting with two spaces (the license header) are skipped.
 */
public final class WordNetIndexParser
{
    /**
     * One lemma of an index file.
     *
     * @param lemma   lower case, multi-word lemmas joined by {@code _}
     * @param pos     {@code n}, {@code v}, {@code a} or {@code r}
     * @param offsets its synsets, sense 1 first
     */
    public record Entry(String lemma, char pos, int[] offsets)
    {
    }

    private WordNetIndexParser()
    {
    }

    /** Parses every entry of {@code in}, named {@code source} in errors, into {@code sink}, in file order. */
    public static void parse(final BufferedReader in, final String source, final Consumer<Entry> sink)
    {
        LineCursor.parseLines(in, source, WordNetIndexParser::parseLine, sink);
    }

    private static Entry parseLine(final LineCursor cursor)
    {
        final String lemma = cursor.next("a lemma");
        final char pos = cursor.nextChar("a pos (one of n v a r)", "nvar");
        final int synsetCount = cursor.nextNumber("a synset count", 10, 9999);
        final int pointerCount = cursor.nextNumber("a pointer count", 10, 99);
        for (int i = 0; i < pointerCount; i++)
        {
            cursor.within("pointer symbol", i + 1, pointerCount);
            cursor.next("a pointer symbol");
        }
        cursor.within(null, 0, 0);
        cursor.nextNumber("a sense count", 10, 9999);
        cursor.nextNumber("a tagged sense count", 10, 9999);
        final int[] offsets = new int[synsetCount];
        for (int i = 0; i < synsetCount; i++)
        {
            cursor.within("synset offset", i + 1, synsetCount);
            offsets[i] = cursor.nextNumber("an 8-digit synset offset", 10, Integer.MAX_VALUE);
        }
        cursor.within(null, 0, 0);
        final String extra = cursor.rest();
        if (!extra.isEmpty())
        {
            throw cursor.fail("the end of the line after " + synsetCount + " synset offsets", '"' + extra + '"');
        }
        return new Entry(lemma, pos, offsets);
    }
}
