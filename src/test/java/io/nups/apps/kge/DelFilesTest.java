package io.nups.apps.kge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.nups.apps.kge.KgeFilesFixture.assertSameGraph;
import static io.nups.apps.kge.KgeFilesFixture.assertSameTriples;
import static io.nups.apps.kge.KgeFilesFixture.file;
import static io.nups.apps.kge.KgeFilesFixture.rejects;
import static io.nups.apps.kge.KgeFilesFixture.triples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelFilesTest
{
    @TempDir
    Path dir;

    @Test
    void readsTheLayoutGenNupsSynthWritesWithoutIdFiles() throws IOException
    {
        // exactly what gen_nups_synth.py kge writes: three .del files of "s\tr\to\n", no header and no id files,
        // next to parameter.frequencies.tsv and MANIFEST.txt, which reading the graph ignores
        file(dir, "train.del", "3\t1\t0\n0\t0\t2\n2\t1\t3\n3\t0\t2\n");
        file(dir, "valid.del", "0\t1\t3\n");
        file(dir, "test.del", "2\t0\t0\n");
        file(dir, "parameter.frequencies.tsv", "e 2 3\ne 3 3\nr 0 2\nr 1 2\ne 0 2\n");
        file(dir, "MANIFEST.txt", "generator: gen_nups_synth.py kge --out x\n");

        final KgeDataset dataset = DelFiles.read(dir);

        assertEquals(List.of("0", "1", "2", "3"), dataset.entityNames(), "largest id + 1 entities, named by id");
        assertEquals(List.of("0", "1"), dataset.relationNames());
        assertSameTriples(triples(new int[]{3, 1, 0}, new int[]{0, 0, 2}, new int[]{2, 1, 3}, new int[]{3, 0, 2}),
            dataset.train());
        assertSameTriples(triples(new int[]{0, 1, 3}), dataset.valid());
        assertSameTriples(triples(new int[]{2, 0, 0}), dataset.test());
    }

    @Test
    void countsComeFromIdFilesWhenPresentAndIncludeEntitiesNoTripleUses() throws IOException
    {
        file(dir, "entity_ids.del", "0\t/m/a\n2\t/m/c\n1\t/m/b with space\n3\t/m/d\n");
        file(dir, "relation_ids.del", "0\t/r/x\n1\t/r/y\n2\t/r/z\n");
        file(dir, "train.del", "0\t0\t1\n");
        file(dir, "valid.del", "1\t1\t0\n");
        file(dir, "test.del", "0\t0\t2\n");

        final KgeDataset dataset = DelFiles.read(dir);

        assertEquals(List.of("/m/a", "/m/b with space", "/m/c", "/m/d"), dataset.entityNames());
        assertEquals(List.of("/r/x", "/r/y", "/r/z"), dataset.relationNames());
    }

    @Test
    void acceptsCrLfBlankLinesAndAMissingFinalNewline() throws IOException
    {
        file(dir, "train.del", "0\t0\t1\r\n\r\n1\t0\t2\n\n");
        file(dir, "valid.del", "2\t0\t0");
        file(dir, "test.del", "1\t0\t0\r\n");

        final KgeDataset dataset = DelFiles.read(dir);

        assertSameTriples(triples(new int[]{0, 0, 1}, new int[]{1, 0, 2}), dataset.train());
        assertSameTriples(triples(new int[]{2, 0, 0}), dataset.valid());
        assertSameTriples(triples(new int[]{1, 0, 0}), dataset.test());
    }

    @Test
    void roundTripsAGeneratedGraphLargerThanTheReadBuffer() throws IOException
    {
        final KgeDataset graph = KgeFilesFixture.smallGraph(5);
        DelFiles.write(graph, dir);
        assertTrue(Files.size(dir.resolve("train.del")) > 2 * 65536, "crosses buffer refills");
        assertSameGraph(graph, DelFiles.read(dir));
    }

    @Test
    void roundTripsNamesThroughTheIdFiles() throws IOException
    {
        final KgeDataset graph = new KgeDataset("g", List.of("ä", "b c", "x\ty"), List.of("r"),
            triples(new int[]{0, 0, 1}), triples(new int[]{1, 0, 2}), triples(new int[]{2, 0, 0}));
        DelFiles.write(graph, dir);
        assertSameGraph(graph, DelFiles.read(dir));
    }

    @Test
    void writingANameWithALineBreakIsRejected()
    {
        final KgeDataset graph = new KgeDataset("g", List.of("a", "b\nc"), List.of("r"),
            triples(new int[]{0, 0, 1}), triples(new int[]{1, 0, 0}), triples(new int[]{0, 0, 0}));
        rejects(() -> DelFiles.write(graph, dir), "entity 1", "line break");
    }

    @Test
    void rejectsAWrongNumberOfColumnsWithFileAndLine() throws IOException
    {
        splits("0\t0\t1\n1\t0\n", "0\t0\t1\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "train.del:2:", "head<TAB>relation<TAB>tail", "\"1\t0\"",
            "2 tab-separated fields instead of 3");
        splits("0\t0\t1\n", "0\t0\t1\t5\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "valid.del:1:", "4 tab-separated fields instead of 3");
        splits("0\t0\t1\n", "0\t0\t1\n", "0 0 1\n");
        rejects(() -> DelFiles.read(dir), "test.del:1:", "1 tab-separated fields instead of 3");
    }

    @Test
    void rejectsANonIntegerId() throws IOException
    {
        splits("0\t0\t1\n0\tr1\t1\n", "0\t0\t1\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "train.del:2:", "relation id \"r1\" is not a non-negative integer");
        splits("0\t0\t1\n", "0\t0\t1.5\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "valid.del:1:", "tail id \"1.5\"");
        splits("0\t0\t1\n", "0\t0\t1\n", "\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "test.del:1:", "head id is empty");
    }

    @Test
    void rejectsANegativeOrTooLargeId() throws IOException
    {
        splits("0\t0\t1\n1\t0\t-3\n", "0\t0\t1\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "train.del:2:", "tail id \"-3\" is negative");
        splits("99999999999\t0\t1\n", "0\t0\t1\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "train.del:1:", "head id 99999999999 is not below 2^31-1");
    }

    @Test
    void rejectsAnIdOutsideTheIdFile() throws IOException
    {
        file(dir, "entity_ids.del", "0\ta\n1\tb\n");
        file(dir, "relation_ids.del", "0\tr\n");
        splits("0\t0\t1\n", "1\t0\t0\n", "0\t0\t1\n1\t0\t2\n");
        rejects(() -> DelFiles.read(dir), "test.del:2:", "tail id 2 is out of range", "entity_ids.del",
            "[0, 2)");
        splits("0\t0\t1\n", "1\t1\t0\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "valid.del:1:", "relation id 1 is out of range", "relation_ids.del",
            "[0, 1)");
    }

    @Test
    void rejectsAnEmptyOrMissingSplitFile() throws IOException
    {
        splits("0\t0\t1\n", "\n\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "valid.del:2:", "no triples");
        splits("", "0\t0\t1\n", "0\t0\t1\n");
        rejects(() -> DelFiles.read(dir), "train.del:1:", "no triples");
        Files.delete(dir.resolve("test.del"));
        rejects(() -> DelFiles.read(dir), "test.del", "missing test split", "train.del, valid.del and test.del");
    }

    @Test
    void rejectsMalformedIdFiles() throws IOException
    {
        splits("0\t0\t1\n", "0\t0\t1\n", "0\t0\t1\n");
        file(dir, "entity_ids.del", "0\ta\n1 b\n");
        rejects(() -> DelFiles.read(dir), "entity_ids.del:2:", "id<TAB>name", "no tab");
        file(dir, "entity_ids.del", "0\ta\n1\tb\n0\tc\n");
        rejects(() -> DelFiles.read(dir), "entity_ids.del:3:", "entity id 0 is listed twice");
        file(dir, "entity_ids.del", "0\ta\n2\tc\n");
        rejects(() -> DelFiles.read(dir), "entity_ids.del", "entity id 1 has no line", "[0, 3)");
        file(dir, "entity_ids.del", "0\ta\nx\tc\n");
        rejects(() -> DelFiles.read(dir), "entity_ids.del:2:", "\"x\" is not a non-negative integer");
        file(dir, "entity_ids.del", "");
        rejects(() -> DelFiles.read(dir), "entity_ids.del:1:", "no entity ids");
    }

    private void splits(final String train, final String valid, final String test) throws IOException
    {
        file(dir, "train.del", train);
        file(dir, "valid.del", valid);
        file(dir, "test.del", test);
    }
}
