package io.nups.apps.wordnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordNetIndexParserTest
{
    @Test
    void parsesSensesInOrder()
    {
        final List<WordNetIndexParser.Entry> entries = parse("  1 license  \n" +
            "dog n 3 4 @ ~ #m %p 3 2 02086723 10133978 10042764  \nbark v 1 1 + 1 0 01114824  \n");
        assertEquals(2, entries.size());
        assertEquals("dog", entries.get(0).lemma());
        assertEquals('n', entries.get(0).pos());
        assertArrayEquals(new int[] {2086723, 10133978, 10042764}, entries.get(0).offsets());
        assertArrayEquals(new int[] {1114824}, entries.get(1).offsets());
    }

    @Test
    void rejectsMoreOrFewerOffsetsThanCounted()
    {
        final IllegalArgumentException fewer = assertThrows(IllegalArgumentException.class,
            () -> parse("dog n 3 1 @ 3 2 02086723 10133978  \n"));
        assertTrue(fewer.getMessage().startsWith(
            "index.test:1: expected an 8-digit synset offset of synset offset 3 of 3, found end of line"),
            fewer.getMessage());
        final IllegalArgumentException more = assertThrows(IllegalArgumentException.class,
            () -> parse("bark v 1 0 1 0 01114824 01114825  \n"));
        assertTrue(more.getMessage().startsWith(
            "index.test:1: expected the end of the line after 1 synset offsets, found \"01114825\""), more.getMessage());
        final IllegalArgumentException pos = assertThrows(IllegalArgumentException.class,
            () -> parse("bark s 1 0 1 0 01114824  \n"));
        assertTrue(pos.getMessage().startsWith("index.test:1: expected a pos (one of n v a r), found \"s\""),
            pos.getMessage());
    }

    private static List<WordNetIndexParser.Entry> parse(final String text)
    {
        final List<WordNetIndexParser.Entry> entries = new ArrayList<>();
        WordNetIndexParser.parse(new BufferedReader(new StringReader(text)), "index.test", entries::add);
        return entries;
    }
}
