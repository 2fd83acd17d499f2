package io.nups.apps.wordnet;

import io.nups.apps.kge.DelFiles;
import io.nups.apps.kge.KgeDataset;
import io.nups.apps.kge.KgeFrequencies;
import io.nups.apps.kge.KgeKeyLayout;
import io.nups.apps.kge.NamedTripleFiles;
import io.nups.apps.kge.Triples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * The WordNet 3.1 knowledge graph in the style of WN18RR, split into train, valid and test.
 *
 * <ul>
 * <li>Entities are the synsets that occur in at least one triple, named as {@link WordNet} names them
 *     ({@code dog.n.01}); ids follow {@link WordNet#synsets()} order (nouns, verbs, adjectives, adverbs).</li>
 * <li>Relations are the WordNet pointer types, named like WN18RR ({@code _hypernym}, {@code _has_part},
 *     {@code _derivationally_related_form}, ...); ids follow name order. A triple {@code (dog.n.01, _hypernym,
 *     canine.n.02)} comes from a pointer of dog's synset line. Lexical pointers (between two words, such as
 *     {@code _derivationally_related_form} or {@code _antonym}) are lifted to their synsets, as WN18RR does.
 *     Of each pair of mutually inverse pointers ({@code _hypernym}/{@code _hyponym}, {@code _has_part}/
 *     {@code _part_of}, ...) only the direction WN18RR keeps is used unless {@link Options#inverses()} is set,
 *     so a test triple cannot be read off its inverse in train. Duplicate triples are dropped.</li>
 * <li>The split shuffles the triples with {@link Random}({@link Options#seed()}) and walks them in that
 *     order: a triple goes to valid (until it has {@link Options#valid()} triples), then to test (until
 *     {@link Options#test()}), if its head, relation and tail each still occur in another triple left for
 *     train; otherwise it stays in train. So every entity and relation of valid and test occurs in train,
 *     and valid and test have the sizes asked unless the graph has too few such triples.</li>
 * </ul>
 */
public final class WordNetGraph
{
    /** The frequency file NuPS reads to choose the parameters it replicates. */
    public static final String FREQUENCY_FILE = "parameter.frequencies.tsv";

    /**
     * How to build the graph.
     *
     * @param valid    triples asked for the validation set
     * @param test     triples asked for the test set
     * @param seed     seed of the split's shuffle
     * @param inverses also keep the inverse direction of each inverse pointer pair ({@code _hyponym}, ...)
     */
    public record Options(int valid, int test, long seed, boolean inverses)
    {
        /** As WN18RR: 5,000 valid and 5,000 test triples, no inverse relations. */
        public static final Options DEFAULT = new Options(5000, 5000, 20221, false);

        public Options
        {
            if (valid < 0 || test < 0)
            {
                throw new IllegalArgumentException("valid and test sizes must be >= 0, got " + valid + " and " + test);
            }
        }
    }

    private final KgeDataset dataset;

    WordNetGraph(final List<String> entities, final List<String> relations, final Triples train, final Triples valid,
        final Triples test)
    {
        this(new KgeDataset("wordnet-3.1", entities, relations, train, valid, test));
    }

    private WordNetGraph(final KgeDataset dataset)
    {
        this.dataset = dataset;
    }

    static WordNetGraph build(final WordNet wordNet, final Options options)
    {
        final TreeSet<String> relationNames = new TreeSet<>();
        for (final Synset synset : wordNet.synsets())
        {
            for (final Pointer pointer : synset.pointers())
            {
                final PointerType type = PointerType.of(pointer.symbol());
                if (options.inverses() || !type.inverse)
                {
                    relationNames.add(type.relation);
                }
            }
        }
        final List<String> relations = new ArrayList<>(relationNames);
        final long[] packed = distinctTriples(wordNet, options, relations);
        // entities: synsets in some triple, renumbered densely in synset order
        final BitSet used = new BitSet();
        for (final long triple : packed)
        {
            used.set(PackedTriple.head(triple));
            used.set(PackedTriple.tail(triple));
        }
        final int[] entityOf = new int[wordNet.synsets().size()];
        final List<String> entities = new ArrayList<>(used.cardinality());
        for (int synset = used.nextSetBit(0); synset >= 0; synset = used.nextSetBit(synset + 1))
        {
            entityOf[synset] = entities.size();
            entities.add(wordNet.name(synset));
        }
        final int[][] triples = new int[packed.length][];
        for (int i = 0; i < packed.length; i++)
        {
            triples[i] = new int[] {
                entityOf[PackedTriple.head(packed[i])], PackedTriple.relation(packed[i]),
                entityOf[PackedTriple.tail(packed[i])]};
        }
        return split(entities, relations, triples, options);
    }

    /** Splits {@code triples} ({@code [head, relation, tail]} ids) as the class comment describes. */
    static WordNetGraph split(final List<String> entities, final List<String> relations, final int[][] triples,
        final Options options)
    {
        if ((long)options.valid() + options.test() >= triples.length)
        {
            throw new IllegalArgumentException("cannot take " + options.valid() + " valid and " + options.test() +
                " test triples from " + triples.length + " triples and keep any for training");
        }
        final int[][] shuffled = triples.clone();
        final Random random = new Random(options.seed());
        for (int i = shuffled.length - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int[] swap = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = swap;
        }
        // a triple may leave train while its entities and relation keep another triple there
        final int[] entityUses = new int[entities.size()];
        final int[] relationUses = new int[relations.size()];
        for (final int[] triple : triples)
        {
            entityUses[triple[0]]++;
            relationUses[triple[1]]++;
            entityUses[triple[2]]++;
        }
        final List<int[]> train = new ArrayList<>(triples.length);
        final List<int[]> valid = new ArrayList<>(options.valid());
        final List<int[]> test = new ArrayList<>(options.test());
        for (final int[] triple : shuffled)
        {
            final boolean wanted = valid.size() < options.valid() || test.size() < options.test();
            final int head = triple[0];
            final int tail = triple[2];
            final boolean covered = relationUses[triple[1]] > 1 &&
                (head == tail ? entityUses[head] > 2 : entityUses[head] > 1 && entityUses[tail] > 1);
            if (wanted && covered)
            {
                relationUses[triple[1]]--;
                entityUses[head]--;
                entityUses[tail]--;
                (valid.size() < options.valid() ? valid : test).add(triple);
            }
            else
            {
                train.add(triple);
            }
        }
        return new WordNetGraph(entities, relations, columns(train), columns(valid), columns(test));
    }

    /**
     * Reads a graph that {@link #write} wrote: the {@code .del} files and the id maps of {@code dir}.
     *
     * @throws IllegalArgumentException naming file and line of a malformed line
     */
    static WordNetGraph read(final Path dir)
    {
        return new WordNetGraph(DelFiles.read(dir));
    }

    /** The graph as a link-prediction data set for the KGE task. */
    public KgeDataset dataset()
    {
        return dataset;
    }

    /** Entity names; entity id = position. */
    public List<String> entities()
    {
        return dataset.entityNames();
    }

    /** Relation names; relation id = position. */
    public List<String> relations()
    {
        return dataset.relationNames();
    }

    /** The training triples, in shuffled order. */
    public Triples train()
    {
        return dataset.train();
    }

    /** The validation triples; their entities and relations all occur in {@link #train()}. */
    public Triples valid()
    {
        return dataset.valid();
    }

    /** The test triples; their entities and relations all occur in {@link #train()}. */
    public Triples test()
    {
        return dataset.test();
    }

    /**
     * Writes the graph into {@code dir} (created if missing) in the usual formats: name-based
     * {@code train.txt}, {@code valid.txt}, {@code test.txt} ({@code head<TAB>relation<TAB>tail}); libkge's
     * {@code train.del}, {@code valid.del}, {@code test.del} (the same with integer ids) with
     * {@code entity_ids.del} and {@code relation_ids.del} ({@code id<TAB>name}); and
     * {@link #FREQUENCY_FILE}.
     */
    public void write(final Path dir)
    {
        try
        {
            Files.createDirectories(dir);
            NamedTripleFiles.write(dataset, dir);
            DelFiles.write(dataset, dir);
            writeFrequencies(dir.resolve(FREQUENCY_FILE));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the graph to " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Writes how often each entity (as head or tail) and relation occurs in train as NuPS's
     * {@code parameter.frequencies.tsv} (see {@link KgeFrequencies#write}).
     */
    public void writeFrequencies(final Path file)
    {
        try
        {
            KgeFrequencies.write(dataset.train(), KgeKeyLayout.of(dataset), file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static long[] distinctTriples(final WordNet wordNet, final Options options, final List<String> relations)
    {
        final List<Synset> synsets = wordNet.synsets();
        long[] packed = new long[1 << 18];
        int size = 0;
        for (int head = 0; head < synsets.size(); head++)
        {
            for (final Pointer pointer : synsets.get(head).pointers())
            {
                final PointerType type = PointerType.of(pointer.symbol());
                if (options.inverses() || !type.inverse)
                {
                    if (size == packed.length)
                    {
                        packed = Arrays.copyOf(packed, size * 2);
                    }
                    packed[size++] = PackedTriple.of(head, relations.indexOf(type.relation), wordNet.target(pointer));
                }
            }
        }
        return Arrays.stream(packed, 0, size).sorted().distinct().toArray();
    }

    private static Triples columns(final List<int[]> triples)
    {
        final int[] heads = new int[triples.size()];
        final int[] relations = new int[triples.size()];
        final int[] tails = new int[triples.size()];
        for (int i = 0; i < heads.length; i++)
        {
            heads[i] = triples.get(i)[0];
            relations[i] = triples.get(i)[1];
            tails[i] = triples.get(i)[2];
        }
        return new Triples(heads, relations, tails);
    }
}
