package io.nups.manage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrequencyFilesTest
{
    private static final int ENTITIES = 100;
    private static final int RELATIONS = 10;
    /** Entity e at key e; relation r at two keys, like a RESCAL relation of dimension 2. */
    private static final IntFunction<int[]> ENTITY_KEYS = e ->
    {
        if (e >= ENTITIES)
        {
            throw new IllegalArgumentException("entity id " + e + " >= " + ENTITIES + " entities");
        }
        return new int[]{e};
    };
    private static final IntFunction<int[]> RELATION_KEYS = r ->
    {
        if (r >= RELATIONS)
        {
            throw new IllegalArgumentException("relation id " + r + " >= " + RELATIONS + " relations");
        }
        return new int[]{ENTITIES + 2 * r, ENTITIES + 2 * r + 1};
    };
    private static final IntFunction<int[]> COLUMN_KEYS = c -> new int[]{1000 + c};

    @TempDir
    Path dir;

    @Test
    void kgeTopNCountsParametersAndExpandsRelationsToTheirKeys() throws IOException
    {
        final Path file = write("parameter.frequencies.tsv", "r 6 983\ne 12 700\ne\t3\t650\n\nr 0 10\ne 7 9\n");
        assertArrayEquals(new int[]{112, 113, 12}, FrequencyFiles.readKge(file, ENTITY_KEYS, RELATION_KEYS, 2));
        assertArrayEquals(new int[]{112, 113, 12, 3}, FrequencyFiles.readKge(file, ENTITY_KEYS, RELATION_KEYS, 3));
        assertArrayEquals(new int[0], FrequencyFiles.readKge(file, ENTITY_KEYS, RELATION_KEYS, 0));
    }

    @Test
    void kgeTopNBeyondTheFileTakesEverything() throws IOException
    {
        final Path file = write("parameter.frequencies.tsv", "e 1 5\nr 2 4\n");
        assertArrayEquals(new int[]{1, 104, 105}, FrequencyFiles.readKge(file, ENTITY_KEYS, RELATION_KEYS, 1000));
    }

    @Test
    void unsortedFilesAreRankedStablyByCount() throws IOException
    {
        final Path file = write("parameter.frequencies.tsv", "e 1 5\ne 2 9\ne 3 5\nr 0 9\ne 4 5\ne 5 0\n");
        final FrequencyFiles.Ranked ranked = FrequencyFiles.readKgeRanked(file, ENTITY_KEYS, RELATION_KEYS);
        assertEquals(6, ranked.size());
        final long[] counts = new long[6];
        for (int rank = 0; rank < 6; rank++)
        {
            counts[rank] = ranked.count(rank);
        }
        assertArrayEquals(new long[]{9, 9, 5, 5, 5, 0}, counts);
        assertArrayEquals(new int[]{2, 100, 101, 1, 3, 4, 5}, ranked.topKeys(6));
        assertArrayEquals(new int[]{100, 101}, ranked.keys(1));
        assertEquals(33, ranked.total());
    }

    @Test
    void rankedCountsByKeyGiveCoverage() throws IOException
    {
        final Path file = write("parameter.frequencies.tsv", "r 0 50\ne 0 30\ne 1 20\n");
        final FrequencyFiles.Ranked ranked = FrequencyFiles.readKgeRanked(file, ENTITY_KEYS, RELATION_KEYS);
        final long[] byKey = ranked.countsByKey(120);
        assertEquals(50, byKey[100]);
        assertEquals(50, byKey[101]);
        assertEquals(30, byKey[0]);
        final HotKeys hot = HotKeys.of(120, FrequencyFiles.readKge(file, ENTITY_KEYS, RELATION_KEYS, 1));
        assertEquals(100.0 / 150, hot.coverage(byKey), 1e-12);
        assertMessage(() -> ranked.countsByKey(101), "key 101 of a counted parameter is out of range [0, 101)");
    }

    @Test
    void kgeErrorsNameFileLineAndTheFoundText() throws IOException
    {
        assertKgeError("e 1 5\nx 3 9\n", ":2: expected \"e|r <id> <count>\", found \"x 3 9\" (type must be e");
        assertKgeError("e 1 5\ne 1\n", ":2: expected \"e|r <id> <count>\", found \"e 1\" (2 fields instead of 3)");
        assertKgeError("e 1 5 7\n", ":1: expected \"e|r <id> <count>\", found \"e 1 5 7\" (4 fields instead of 3)");
        assertKgeError("e one 5\n", ":1: expected \"e|r <id> <count>\", found \"e one 5\" (entity id \"one\" is not");
        assertKgeError("r -2 5\n", ":1: expected \"e|r <id> <count>\", found \"r -2 5\" (relation id \"-2\" is not");
        assertKgeError("e 1 many\n", ":1: expected \"e|r <id> <count>\", found \"e 1 many\" (count \"many\" is not");
        assertKgeError("e 1 -4\n", ":1: expected \"e|r <id> <count>\", found \"e 1 -4\" (count -4 is negative)");
        assertKgeError("e 1 5\n\ne 1 3\n",
            ":3: expected \"e|r <id> <count>\", found \"e 1 3\" (entity 1 is listed twice)");
        assertKgeError("e 1 5\nr 12 3\n",
            ":2: expected \"e|r <id> <count>\", found \"r 12 3\" (relation 12 has no key: relation id 12 >= 10");
        assertKgeError("e 1 5\ne 100 3\n",
            ":2: expected \"e|r <id> <count>\", found \"e 100 3\" (entity 100 has no key");
        assertKgeError("\n\n", ": no entries; expected \"e|r <id> <count>\" lines");
        assertKgeError("", ": no entries");
    }

    @Test
    void keylessParametersAndLongLinesAreReported() throws IOException
    {
        final Path file = write("parameter.frequencies.tsv", "e 1 5\n");
        assertMessage(() -> FrequencyFiles.readKgeRanked(file, e -> new int[0], RELATION_KEYS),
            "parameter.frequencies.tsv:1: expected \"e|r <id> <count>\", found \"e 1 5\" (entity 1 maps to no key)");
        final Path garbage = write("garbage.tsv", "e 1 " + "9".repeat(200) + "\n");
        final String message = assertMessage(() -> FrequencyFiles.readKgeRanked(garbage, ENTITY_KEYS, RELATION_KEYS),
            "garbage.tsv:1: expected");
        assertTrue(message.contains("9".repeat(76) + "...\""), message);
    }

    @Test
    void unreadableFilesAreNamed()
    {
        final Path missing = dir.resolve("nowhere.tsv");
        final UncheckedIOException ex = assertThrows(UncheckedIOException.class,
            () -> FrequencyFiles.readKge(missing, ENTITY_KEYS, RELATION_KEYS, 3));
        assertTrue(ex.getMessage().startsWith("cannot read " + missing), ex.getMessage());
        assertThrows(UncheckedIOException.class, () -> FrequencyFiles.readKeyList(dir, 3));
    }

    @Test
    void columnFrequenciesSkipTheHeaderAndMapColumns() throws IOException
    {
        final Path file = write("train.mmc.bin.colfreqs.csv", "freq,j\n90\t4\n70\t0\n70\t2\n5\t1\n");
        assertArrayEquals(new int[]{1004, 1000}, FrequencyFiles.readColumnFrequencies(file, COLUMN_KEYS, 2));
        assertArrayEquals(new int[]{1004, 1000, 1002, 1001},
            FrequencyFiles.readColumnFrequencies(file, COLUMN_KEYS, 10));
        final FrequencyFiles.Ranked ranked = FrequencyFiles.readColumnFrequenciesRanked(file, COLUMN_KEYS);
        assertEquals(235, ranked.total());
        assertEquals(70, ranked.count(2));
    }

    @Test
    void columnFrequencyErrorsNameFileLineAndTheFoundText() throws IOException
    {
        assertColumnError("freq,j\n90\t4\n80\n",
            ":3: expected \"<count><TAB><column>\", found \"80\" (1 fields instead of 2)");
        assertColumnError("freq,j\nlots\t4\n",
            ":2: expected \"<count><TAB><column>\", found \"lots\t4\" (count \"lots\" is not an integer)");
        assertColumnError("freq,j\n-1\t4\n",
            ":2: expected \"<count><TAB><column>\", found \"-1\t4\" (count -1 is negative)");
        assertColumnError("freq,j\n9\tx\n",
            ":2: expected \"<count><TAB><column>\", found \"9\tx\" (column id \"x\" is not");
        assertColumnError("freq,j\n9\t3\n8\t3\n",
            ":3: expected \"<count><TAB><column>\", found \"8\t3\" (column 3 is listed twice)");
        assertColumnError("90\t4\n80\t1\n", ":1: expected a header line, found data \"90\t4\"");
        assertColumnError("freq,j\n\n", ": no entries; expected \"<count><TAB><column>\" lines");
        assertColumnError("", ": empty; expected a header line");
        final Path file = write("cols.csv", "freq,j\n9\t3\n");
        assertMessage(() -> FrequencyFiles.readColumnFrequencies(file, c ->
        {
            throw new IllegalStateException("boom");
        }, 1), "cols.csv:2: expected \"<count><TAB><column>\", found \"9\t3\" (column 3 has no key: boom)");
    }

    @Test
    void keyListAllowsCommentsAndBlankLines() throws IOException
    {
        final Path file = write("hot.keys", "# hot keys\n5\n\n  17  # the hottest\n5\n0\n");
        assertArrayEquals(new int[]{5, 17, 5, 0}, FrequencyFiles.readKeyList(file, 18));
    }

    @Test
    void keyListErrorsNameFileLineAndTheFoundText() throws IOException
    {
        assertKeyListError("1\n18\n", ":2: expected \"<key>\", found \"18\" (a key must be an integer in [0, 18))");
        assertKeyListError("1\n-1\n", ":2: expected \"<key>\", found \"-1\" (a key must be an integer in [0, 18))");
        assertKeyListError("abc\n", ":1: expected \"<key>\", found \"abc\" (a key must be an integer");
        assertKeyListError("3 4\n", ":1: expected \"<key>\", found \"3 4\" (one key per line)");
        assertKeyListError("99999999999999999999999\n", ":1: expected \"<key>\", found \"99999999999999999999999\"");
        assertKeyListError("# nothing\n\n", ": no keys; expected one key in [0, 18) per line");
    }

    private void assertKgeError(final String content, final String expected) throws IOException
    {
        final Path file = write("parameter.frequencies.tsv", content);
        assertMessage(() -> FrequencyFiles.readKge(file, ENTITY_KEYS, RELATION_KEYS, 5), file + expected);
    }

    private void assertColumnError(final String content, final String expected) throws IOException
    {
        final Path file = write("train.mmc.bin.colfreqs.csv", content);
        assertMessage(() -> FrequencyFiles.readColumnFrequencies(file, COLUMN_KEYS, 5), file + expected);
    }

    private void assertKeyListError(final String content, final String expected) throws IOException
    {
        final Path file = write("hot.keys", content);
        assertMessage(() -> FrequencyFiles.readKeyList(file, 18), file + expected);
    }

    private Path write(final String name, final String content) throws IOException
    {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String assertMessage(final Executable call, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
        return ex.getMessage();
    }
}
