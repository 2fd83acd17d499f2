package io.nups.apps.kge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.nups.apps.kge.KgeFilesFixture.file;
import static io.nups.apps.kge.KgeFilesFixture.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KgeDataLoaderTest
{
    @TempDir
    Path dir;

    @Test
    void detectsTheDelLayout() throws IOException
    {
        del();
        assertEquals(KgeDataLoader.Format.DEL, KgeDataLoader.detect(dir, KgeDataLoader.Format.AUTO));
        assertEquals(List.of("0", "1", "2"), KgeDataLoader.load(dir).entityNames());
    }

    @Test
    void detectsTheNamedLayout() throws IOException
    {
        named();
        assertEquals(KgeDataLoader.Format.NAMED, KgeDataLoader.detect(dir, KgeDataLoader.Format.AUTO));
        assertEquals(List.of("a", "b"), KgeDataLoader.load(dir).entityNames());
    }

    @Test
    void prefersDelFilesWhenBothLayoutsAreThereAndObeysAnExplicitFormat() throws IOException
    {
        del();
        named();
        assertEquals(List.of("0", "1", "2"), KgeDataLoader.load(dir).entityNames());
        assertEquals(List.of("a", "b"), KgeDataLoader.load(dir, KgeDataLoader.Format.NAMED).entityNames());
    }

    @Test
    void anExplicitFormatWhoseFilesAreMissingNamesThem() throws IOException
    {
        named();
        rejects(() -> KgeDataLoader.load(dir, KgeDataLoader.Format.DEL), "train.del", "missing train split");
    }

    @Test
    void rejectsADirectoryWithNeitherLayoutAndANonDirectory() throws IOException
    {
        file(dir, "train.csv", "a,r,b\n");
        rejects(() -> KgeDataLoader.load(dir), dir.toString(), "no train.del", "train.txt");
        rejects(() -> KgeDataLoader.load(dir.resolve("train.csv")), "train.csv: not a directory");
    }

    @Test
    void parsesFormatNames()
    {
        assertEquals(KgeDataLoader.Format.DEL, KgeDataLoader.Format.parse("del"));
        assertEquals(KgeDataLoader.Format.NAMED, KgeDataLoader.Format.parse(" Named "));
        assertEquals(KgeDataLoader.Format.AUTO, KgeDataLoader.Format.parse("AUTO"));
        rejects(() -> KgeDataLoader.Format.parse("tsv"), "\"tsv\"", "auto, del or named");
    }

    @Test
    void countsHeldOutTriplesWithUnseenIdsInAnyLayout() throws IOException
    {
        file(dir, "train.del", "0\t0\t1\n");
        file(dir, "valid.del", "1\t0\t2\n0\t0\t1\n");
        file(dir, "test.del", "0\t1\t1\n");
        assertEquals(2, KgeDataLoader.heldOutWithUnseen(KgeDataLoader.load(dir)), "entity 2 and relation 1");
    }

    private void del() throws IOException
    {
        file(dir, "train.del", "0\t0\t1\n");
        file(dir, "valid.del", "1\t0\t2\n");
        file(dir, "test.del", "2\t0\t0\n");
    }

    private void named() throws IOException
    {
        file(dir, "train.txt", "a\tr\tb\n");
        file(dir, "valid.txt", "b\tr\ta\n");
        file(dir, "test.txt", "a\tr\ta\n");
    }
}
