package io.nups.apps.wordnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WordNetDataParserTest
{
    private static final String HEADER = "  1 This software and database is being provided to you  \n  2   \n";

    @Test
    void parsesNounLinesWithPointersAndSkipsTheHeader()
    {
        final List<Synset> synsets = parse(HEADER +
            "02086723 05 n 03 dog 0 domestic_dog 0 Canis_familiaris 0 002 @ 02085998 n 0000 + 01114824 v 0101 | " +
            "a member of the genus Canis; \"the dog barked all night\"  \n");
        assertEquals(1, synsets.size());
        final Synset dog = synsets.get(0);
        assertEquals(2086723, dog.offset());
        assertEquals('n', dog.pos());
        assertEquals(List.of("dog", "domestic_dog", "Canis_familiaris"), dog.lemmas());
        assertEquals(List.of(new Pointer("@", 2085998, 'n', 0, 0), new Pointer("+", 1114824, 'v', 1, 1)),
            dog.pointers());
        assertFalse(dog.pointers().get(0).lexical());
        assertTrue(dog.pointers().get(1).lexical());
        assertEquals("a member of the genus Canis; \"the dog barked all night\"", dog.gloss());
    }

    @Test
    void skipsVerbFramesAndStripsAdjectiveMarkers()
    {
        final List<Synset> verbs = parse("01114824 29 v 02 bark 0 yap 1 001 + 02086723 n 0101 02 + 02 00 + 08 01 " +
            "| speak in an unfriendly tone  \n");
        assertEquals(List.of("bark", "yap"), verbs.get(0).lemmas());
        assertEquals(1, verbs.get(0).pointers().size());
        assertEquals("speak in an unfriendly tone", verbs.get(0).gloss());
        final Synset adjective = parse("00001740 00 a 02 able(p) 0 galore(ip) 0 000 | having the means  \n").get(0);
        assertEquals(List.of("able", "galore"), adjective.lemmas());
        assertTrue(adjective.pointers().isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "0208672x 05 n 01 dog 0 000 | g;an 8-digit synset offset;0208672x",
        "02086723 05 x 01 dog 0 000 | g;a synset type (one of n v a s r);x",
        "02086723 05 n zz dog 0 000 | g;a 2-digit hex word count;zz",
        "02086723 05 n 00 000 | g;a word count of at least 1;00",
        "02086723 05 n 02 dog 0;a lemma of word 2 of 2;end of line",
        "02086723 05 n 01 dog g 000 | g;a 1-digit hex lex_id of word 1 of 1;g",
        "02086723 05 n 01 dog 0 002 @ 02085998 n 0000 | g;a pointer symbol (! @ @i;\"|\"",
        "02086723 05 n 01 dog 0 001 ?? 02085998 n 0000 | g;a pointer symbol (! @ @i;\"??\"",
        "02086723 05 n 01 dog 0 001 @ 02085998 q 0000 | g;the target pos (one of n v a s r) of pointer 1 of 1;q",
        "02086723 05 n 01 dog 0 001 @ 02085998 n 00g0 | g;4 hex digits source/target of pointer 1 of 1;00g0",
        "02086723 05 n 01 dog 0 001 + 02085998 n 0201 | g;a source word number of at most 1 of pointer 1 of 1;0201",
        "02086723 05 n 01 dog 0 000 the gloss;\"|\" before the gloss;the",
        "01114824 29 v 01 bark 0 000 01 02 00 | g;\"+\" of frame 1 of 1;02",
        "01114824 29 v 01 bark 0 000 | g;a 2-digit verb frame count;\"|\"",
        "00001740 03 n 01 thing 0 000 | g;an offset above the previous line's 1740;1740",
    })
    void rejectsMalformedLinesWithPlaceAndExpectation(final String line, final String expected, final String found)
    {
        final String[] lines = (HEADER + "00001740 03 n 01 entity 0 000 | that which exists  \n" + line).split("\n");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> parse(String.join("\n", lines)));
        assertTrue(ex.getMessage().startsWith("data.test:4: expected " + expected), ex.getMessage());
        final String shown = found.equals("end of line") || found.startsWith("\"") ? found : '"' + found + '"';
        assertTrue(ex.getMessage().contains("found " + shown), ex.getMessage());
    }

    private static List<Synset> parse(final String text)
    {
        final List<Synset> synsets = new ArrayList<>();
        WordNetDataParser.parse(new BufferedReader(new StringReader(text)), "data.test", synsets::add);
        return synsets;
    }
}
