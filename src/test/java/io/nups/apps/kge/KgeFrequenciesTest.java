package io.nups.apps.kge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.nups.apps.kge.KgeFilesFixture.file;
import static io.nups.apps.kge.KgeFilesFixture.rejects;
import static io.nups.apps.kge.KgeFilesFixture.triples;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KgeFrequenciesTest
{
    private static final Triples TRAIN =
        triples(new int[]{3, 1, 0}, new int[]{0, 0, 2}, new int[]{2, 1, 3}, new int[]{3, 0, 2});
    private static final KgeKeyLayout LAYOUT = new KgeKeyLayout(5, 3);

    @TempDir
    Path dir;

    @Test
    void countsEntitiesAsHeadPlusTailAndRelationsPerTriple()
    {
        assertArrayEquals(new long[]{2, 0, 3, 3, 0}, KgeFrequencies.entityCounts(TRAIN, 5));
        assertArrayEquals(new long[]{2, 2, 0}, KgeFrequencies.relationCounts(TRAIN, 3));
        assertArrayEquals(new long[]{0, 2}, KgeFrequencies.entityCounts(triples(new int[]{1, 0, 1}), 2),
            "a self-loop counts its entity twice, as gen_nups_synth.py does");
    }

    @Test
    void writesGenNupsSynthsFormatSortedByCountThenRelationsFirstThenIdWithoutZeros() throws IOException
    {
        final Path file = dir.resolve(KgeFrequencies.FILE_NAME);
        KgeFrequencies.write(TRAIN, LAYOUT, file);
        assertEquals("e 2 3\ne 3 3\nr 0 2\nr 1 2\ne 0 2\n", Files.readString(file));
    }

    @Test
    void keyCountsPutEntitiesFirstThenRelationsAndAgreeBetweenFileAndTriples() throws IOException
    {
        final long[] expected = {2, 0, 3, 3, 0, /* relations at keys 5.. */ 2, 2, 0};
        assertArrayEquals(expected, KgeFrequencies.keyCounts(TRAIN, LAYOUT));
        final Path file = dir.resolve(KgeFrequencies.FILE_NAME);
        KgeFrequencies.write(TRAIN, LAYOUT, file);
        assertArrayEquals(expected, KgeFrequencies.keyCounts(file, LAYOUT));
    }

    @Test
    void anIdOutsideTheLayoutNamesFileAndLine() throws IOException
    {
        final Path file = file(dir, KgeFrequencies.FILE_NAME, "r 0 9\ne 7 3\n");
        rejects(() -> KgeFrequencies.keyCounts(file, LAYOUT), KgeFrequencies.FILE_NAME + ":2:",
            "entity 7 is out of range [0, 5)");
        final Path relation = file(dir, "relations.tsv", "r 3 9\n");
        rejects(() -> KgeFrequencies.keyCounts(relation, LAYOUT), "relations.tsv:1:", "relation 3 is out of range");
    }

    @Test
    void theKeyLayoutIsEntitiesThenRelations()
    {
        assertEquals(4, LAYOUT.entityKey(4));
        assertEquals(5, LAYOUT.relationKey(0));
        assertEquals(7, LAYOUT.relationKey(2));
        assertEquals(8, LAYOUT.size());
        rejects(() -> LAYOUT.entityKey(5), "entity 5 is out of range [0, 5)");
        rejects(() -> LAYOUT.relationKey(-1), "relation -1 is out of range [0, 3)");
        rejects(() -> new KgeKeyLayout(0, 3), "at least one entity");
    }
}
