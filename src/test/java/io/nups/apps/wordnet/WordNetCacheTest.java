package io.nups.apps.wordnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordNetCacheTest
{
    private static final WordNetGraph.Options OPTIONS = new WordNetGraph.Options(1, 1, 3, false);

    @TempDir
    Path dir;

    private final AtomicInteger parses = new AtomicInteger();

    @Test
    void secondUseReadsTheCacheWithoutParsing() throws IOException
    {
        final WordNetGraph built = cache().graph(OPTIONS);
        final String corpus = text(cache().corpus(true).reader());
        assertEquals(2, parses.get());

        final WordNetCache warm = cache();
        assertSameGraph(built, warm.graph(OPTIONS));
        assertEquals(corpus, text(warm.corpus(true).reader()));
        assertEquals(new MiniWordNet().read().synonymPairs(), warm.synonymPairs());
        assertEquals(3, parses.get(), "only the synonym pairs were not cached yet");
        assertEquals(new MiniWordNet().read().corpus(true).words(), warm.corpus(true).words());
        assertEquals(3, parses.get());
    }

    @Test
    void corruptOrStaleEntriesAreRebuilt() throws IOException
    {
        final WordNetGraph built = cache().graph(OPTIONS);
        final Path entry = dir.resolve("graph-valid1-test1-seed3");
        final Path train = entry.resolve("train.del");
        Files.writeString(train, Files.readString(train).replace('0', '1'));
        assertSameGraph(built, cache().graph(OPTIONS));
        assertEquals(2, parses.get());
        assertSameGraph(built, cache().graph(OPTIONS));
        assertEquals(2, parses.get(), "the rebuilt entry is used");

        final Path stamp = entry.resolve(CacheFiles.STAMP);
        Files.writeString(stamp, Files.readString(stamp).replace(WordNetCache.VERSION, "nups-wordnet-cache 0"));
        assertSameGraph(built, cache().graph(OPTIONS));
        assertEquals(3, parses.get());

        Files.delete(stamp);
        cache().graph(OPTIONS);
        assertEquals(4, parses.get());
        assertTrue(Files.isRegularFile(stamp));
        try (var files = Files.list(dir))
        {
            assertEquals(1, files.count(), "no temporary directories are left");
        }
    }

    @Test
    void anUnwritableCacheStillGivesTheData() throws IOException
    {
        final Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        final WordNetGraph graph = new WordNetCache(file.resolve("cache"), () -> new MiniWordNet().read()).graph(OPTIONS);
        assertEquals(6, graph.entities().size());
    }

    private WordNetCache cache()
    {
        return new WordNetCache(dir, () ->
        {
            parses.incrementAndGet();
            return new MiniWordNet().read();
        });
    }

    static void assertSameGraph(final WordNetGraph expected, final WordNetGraph actual)
    {
        assertEquals(expected.entities(), actual.entities());
        assertEquals(expected.relations(), actual.relations());
        assertEquals(WordNetGraphSplitTest.keys(expected.train()), WordNetGraphSplitTest.keys(actual.train()));
        assertEquals(WordNetGraphSplitTest.keys(expected.valid()), WordNetGraphSplitTest.keys(actual.valid()));
        assertEquals(WordNetGraphSplitTest.keys(expected.test()), WordNetGraphSplitTest.keys(actual.test()));
    }

    private static String text(final Reader reader) throws IOException
    {
        final StringWriter out = new StringWriter();
        reader.transferTo(out);
        return out.toString();
    }
}
