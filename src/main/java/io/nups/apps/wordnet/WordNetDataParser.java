package io.nups.apps.wordnet;

import java.io.BufferedReader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Streams the synsets of a WordNet {@code data.noun|verb|adj|adv} file (format wndb(5WN)):
 * <pre>
 * synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
 * </pre>
 * {@code w_cnt} is two hex digits, {@code lex_id} one hex digit, {@code p_cnt} three decimal digits; a pointer
 * is {@code pointer_symbol synset_offset pos source/target} with source/target four hex digits; verb lines
 * carry {@code f_cnt + f_num w_num...} frames, which are checked and skipped. Lines starting with two spaces
 * (the license header) are skipped. Offsets must increase from line to line, as byte positions do. A malformed
 * line fails with {@code source:line} and what was expected.
 */
public final class WordNetDataParser
{
    static final String POS_LETTERS = "nvasr";
    // adjective lemmas may carry a syntactic marker: (p) predicate, (a) prenominal, (ip) postnominal
    private static final String[] ADJECTIVE_MARKERS = {"(a)", "(p)", "(ip)"};

    private WordNetDataParser()
    {
    }

    /** Parses every synset line of {@code in}, named {@code source} in errors, into {@code sink}, in file order. */
    public static void parse(final BufferedReader in, final String source, final Consumer<Synset> sink)
    {
        final int[] previousOffset = {-1};
        LineCursor.parseLines(in, source, cursor ->
        {
            final Synset synset = parseLine(cursor);
            if (synset.offset() <= previousOffset[0])
            {
                // the offsets are the lines' byte positions, which lookups by binary search rely on
                throw cursor.fail("an offset above the previous line's " + previousOffset[0],
                    "\"" + synset.offset() + "\"");
            }
            previousOffset[0] = synset.offset();
            return synset;
        }, sink);
    }

    private static Synset parseLine(final LineCursor cursor)
    {
        final int offset = cursor.nextNumber("an 8-digit synset offset", 10, Integer.MAX_VALUE);
        cursor.nextNumber("a 2-digit lexicographer file number", 10, 99);
        final char pos = cursor.nextChar("a synset type (one of n v a s r)", POS_LETTERS);
        final int wordCount = cursor.nextNumber("a 2-digit hex word count", 16, 0xff);
        if (wordCount == 0)
        {
            throw cursor.fail("a word count of at least 1", "\"00\"");
        }
        final List<String> lemmas = new ArrayList<>(wordCount);
        for (int i = 0; i < wordCount; i++)
        {
            cursor.within("word", i + 1, wordCount);
            lemmas.add(withoutMarker(cursor.next("a lemma")));
            cursor.nextNumber("a 1-digit hex lex_id", 16, 0xf);
        }
        cursor.within(null, 0, 0);
        final int pointerCount = cursor.nextNumber("a 3-digit pointer count", 10, 999);
        final List<Pointer> pointers = new ArrayList<>(pointerCount);
        for (int i = 0; i < pointerCount; i++)
        {
            cursor.within("pointer", i + 1, pointerCount);
            final String symbol = cursor.next("the symbol");
            final PointerType type = PointerType.of(symbol);
            if (type == null)
            {
                throw cursor.fail("a pointer symbol (" + PointerType.SYMBOLS + ")", '"' + symbol + '"');
            }
            final int target = cursor.nextNumber("the 8-digit target offset", 10, Integer.MAX_VALUE);
            final char targetPos = cursor.nextChar("the target pos (one of n v a s r)", POS_LETTERS);
            final int sourceTarget = cursor.nextNumber("4 hex digits source/target", 16, 0xffff);
            if ((sourceTarget >> 8) > wordCount)
            {
                throw cursor.fail("a source word number of at most " + wordCount,
                    String.format("\"%04x\"", sourceTarget));
            }
            pointers.add(new Pointer(type.symbol, target, targetPos, sourceTarget >> 8, sourceTarget & 0xff));
        }
        if (pos == 'v')
        {
            skipFrames(cursor);
        }
        cursor.within(null, 0, 0);
        cursor.expect("|", "\"|\" before the gloss");
        return new Synset(offset, pos, lemmas, pointers, cursor.rest());
    }

    private static String withoutMarker(final String lemma)
    {
        if (lemma.endsWith(")"))
        {
            for (final String marker : ADJECTIVE_MARKERS)
            {
                if (lemma.endsWith(marker) && lemma.length() > marker.length())
                {
                    return lemma.substring(0, lemma.length() - marker.length());
                }
            }
        }
        return lemma;
    }

    private static void skipFrames(final LineCursor cursor)
    {
        final int frameCount = cursor.nextNumber("a 2-digit verb frame count", 10, 99);
        for (int i = 0; i < frameCount; i++)
        {
            cursor.within("frame", i + 1, frameCount);
            cursor.expect("+", "\"+\"");
            cursor.nextNumber("a 2-digit frame number", 10, 99);
            cursor.nextNumber("a 2-digit hex word number", 16, 0xff);
        }
    }
}
