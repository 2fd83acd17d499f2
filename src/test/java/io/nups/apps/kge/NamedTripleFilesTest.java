package io.nups.apps.kge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.nups.apps.kge.KgeFilesFixture.assertSameTriples;
import static io.nups.apps.kge.KgeFilesFixture.file;
import static io.nups.apps.kge.KgeFilesFixture.named;
import static io.nups.apps.kge.KgeFilesFixture.rejects;
import static io.nups.apps.kge.KgeFilesFixture.triples;
import static org.junit.jupiter.api.Assertions.assertEquals;

class NamedTripleFilesTest
{
    @TempDir
    Path dir;

    @Test
    void numbersNamesByFirstAppearanceInTrainThenValidThenTest() throws IOException
    {
        splits("/m/b\t/r/x\t/m/a\n/m/a\t/r/y\t/m/c\n/m/c\t/r/x\t/m/b\n",
            "/m/a\t/r/x\t/m/d\n",
            "/m/e\t/r/z\t/m/b\n/m/b\t/r/y\t/m/a\n");

        final KgeDataset dataset = NamedTripleFiles.read(dir);

        assertEquals(List.of("/m/b", "/m/a", "/m/c", "/m/d", "/m/e"), dataset.entityNames());
        assertEquals(List.of("/r/x", "/r/y", "/r/z"), dataset.relationNames());
        assertSameTriples(triples(new int[]{0, 0, 1}, new int[]{1, 1, 2}, new int[]{2, 0, 0}), dataset.train());
        assertSameTriples(triples(new int[]{1, 0, 3}), dataset.valid());
        assertSameTriples(triples(new int[]{4, 2, 0}, new int[]{0, 1, 1}), dataset.test());
        // /m/d (valid) and /m/e, /r/z (test) never occur in train: mapped after the train ids, counted as unseen
        assertEquals(2, KgeDataLoader.heldOutWithUnseen(dataset));
    }

    @Test
    void namesAreBytesBetweenTabsWithSpacesUnicodeAndCrLf() throws IOException
    {
        splits("New York\tlocated in\tUSA\r\nzürich\tlocated in\tSchweiz\r\n", "USA\tlocated in\tzürich",
            "\nSchweiz\tlocated in\tNew York\n\n");

        final KgeDataset dataset = NamedTripleFiles.read(dir);

        assertEquals(List.of("New York", "USA", "zürich", "Schweiz"), dataset.entityNames());
        assertEquals(List.of("Schweiz", "located in", "New York"), named(dataset, dataset.test(), 0));
    }

    @Test
    void roundTripsAGeneratedGraphByName() throws IOException
    {
        final KgeDataset graph = KgeFilesFixture.smallGraph(9);
        NamedTripleFiles.write(graph, dir);

        final KgeDataset read = NamedTripleFiles.read(dir);

        // ids are renumbered by first appearance, names and triples stay the same
        assertEquals(graph.train().size(), read.train().size());
        for (int split = 0; split < 3; split++)
        {
            final Triples original = Splits.get(graph, split);
            final Triples back = Splits.get(read, split);
            assertEquals(original.size(), back.size());
            for (int i = 0; i < original.size(); i++)
            {
                assertEquals(named(graph, original, i), named(read, back, i));
            }
        }
        // a second round trip is the identity, ids included
        NamedTripleFiles.write(read, dir.resolve("again"));
        KgeFilesFixture.assertSameGraph(read, NamedTripleFiles.read(dir.resolve("again")));
    }

    @Test
    void readsANameLongerThanTheReadBuffer() throws IOException
    {
        final String longName = "x".repeat(200_000);
        splits("a\tr\t" + longName + "\n" + longName + "\tr\tb\n", "a\tr\tb\n", "b\tr\ta\n");

        final KgeDataset dataset = NamedTripleFiles.read(dir);

        assertEquals(List.of("a", longName, "b"), dataset.entityNames());
    }

    @Test
    void rejectsAWrongNumberOfColumnsOrAnEmptyName() throws IOException
    {
        splits("a\tr\tb\na\tr\n", "a\tr\tb\n", "a\tr\tb\n");
        rejects(() -> NamedTripleFiles.read(dir), "train.txt:2:", "head<TAB>relation<TAB>tail",
            "2 tab-separated fields instead of 3");
        splits("a\tr\tb\n", "a r b\n", "a\tr\tb\n");
        rejects(() -> NamedTripleFiles.read(dir), "valid.txt:1:", "1 tab-separated fields instead of 3");
        splits("a\tr\tb\n", "a\tr\tb\n", "a\tr\tb\na\t\tb\n");
        rejects(() -> NamedTripleFiles.read(dir), "test.txt:2:", "the relation name is empty");
        splits("a\tr\tb\n\tr\tb\n", "a\tr\tb\n", "a\tr\tb\n");
        rejects(() -> NamedTripleFiles.read(dir), "train.txt:2:", "the head name is empty");
    }

    @Test
    void rejectsAnEmptyOrMissingSplitFile() throws IOException
    {
        splits("a\tr\tb\n", "a\tr\tb\n", "");
        rejects(() -> NamedTripleFiles.read(dir), "test.txt:1:", "no triples");
        Files.delete(dir.resolve("valid.txt"));
        rejects(() -> NamedTripleFiles.read(dir), "valid.txt", "missing valid split");
    }

    @Test
    void writingRefusesNamesAFileCannotHold()
    {
        final Triples one = triples(new int[]{0, 0, 1});
        rejects(() -> NamedTripleFiles.write(new KgeDataset("g", List.of("a", "b\tc"), List.of("r"), one, one, one),
            dir), "entity 1", "tab or line break");
        rejects(() -> NamedTripleFiles.write(new KgeDataset("g", List.of("a", "b"), List.of(""), one, one, one),
            dir), "relation 0", "empty");
        rejects(() -> NamedTripleFiles.write(new KgeDataset("g", List.of("a", "a"), List.of("r"), one, one, one),
            dir), "entity ids 0 and 1 share the name \"a\"");
    }

    private void splits(final String train, final String valid, final String test) throws IOException
    {
        file(dir, "train.txt", train);
        file(dir, "valid.txt", valid);
        file(dir, "test.txt", test);
    }
}
