package io.nups.apps.wordnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomWordPairsTest
{
    private static final List<String> WORDS = List.of("ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen");

    @Test
    void samplesDistinctPairsDeterministicallyAvoidingExcluded()
    {
        final List<WordPair> excluded = List.of(new WordPair("cat", "dog"), new WordPair("ant", "bee"));
        final List<WordPair> pairs = RandomWordPairs.sample(WORDS, excluded, 20, 5);
        assertEquals(20, pairs.size());
        assertEquals(20, new HashSet<>(pairs).size());
        assertTrue(pairs.stream().noneMatch(excluded::contains));
        assertEquals(pairs, RandomWordPairs.sample(WORDS, excluded, 20, 5));
        assertNotEquals(pairs, RandomWordPairs.sample(WORDS, excluded, 20, 6));
    }

    @Test
    void failsWhenTheWordsAllowTooFewPairs()
    {
        // 8 words make 28 pairs
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> RandomWordPairs.sample(WORDS, List.of(), 29, 1));
        assertTrue(ex.getMessage().startsWith("cannot draw 29 distinct random pairs from 8 words"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WordPair("dog", "cat"));
        assertEquals(new WordPair("cat", "dog"), WordPair.of("dog", "cat"));
    }
}
