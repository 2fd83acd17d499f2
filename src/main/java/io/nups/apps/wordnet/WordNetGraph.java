package io.nups.apps.wordnet;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * <li>The split shuffles the triples with {@link Random}({@link Options#seed()}), takes the first
 *     {@link Options#valid()} as valid and the next {@link Options#test()} as test, and then moves every
 *     valid or test triple whose head, relation or tail does not occur in train into train (in order), so
 *     that every entity and relation of valid and test is trained. Valid and test may hence come out a little
 *     smaller than asked.</li>
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

    private final List<String> entities;
    private final List<String> relations;
    private final Triples train;
    private final Triples valid;
    private final Triples test;

    WordNetGraph(final List<String> entities, final List<String> relations, final Triples train, final Triples valid,
        final Triples test)
    {
        this.entities = List.copyOf(entities);
        this.relations = List.copyOf(relations);
        this.train = train;
        this.valid = valid;
        this.test = test;
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
        final int heldOut = options.valid() + options.test();
        final List<int[]> train = new ArrayList<>(Arrays.asList(shuffled).subList(heldOut, shuffled.length));
        final BitSet trainedEntities = new BitSet(entities.size());
        final BitSet trainedRelations = new BitSet(relations.size());
        for (final int[] triple : train)
        {
            trainedEntities.set(triple[0]);
            trainedRelations.set(triple[1]);
            trainedEntities.set(triple[2]);
        }
        final List<int[]> valid = new ArrayList<>();
        final List<int[]> test = new ArrayList<>();
        for (int i = 0; i < heldOut; i++)
        {
            final int[] triple = shuffled[i];
            if (trainedEntities.get(triple[0]) && trainedRelations.get(triple[1]) && trainedEntities.get(triple[2]))
            {
                (i < options.valid() ? valid : test).add(triple);
            }
            else
            {
                train.add(triple);
                trainedEntities.set(triple[0]);
                trainedRelations.set(triple[1]);
                trainedEntities.set(triple[2]);
            }
        }
        return new WordNetGraph(entities, relations, columns(train), columns(valid), columns(test));
    }

    /** Entity names; entity id = position. */
    public List<String> entities()
    {
        return entities;
    }

    /** Relation names; relation id = position. */
    public List<String> relations()
    {
        return relations;
    }

    public Triples train()
    {
        return train;
    }

    public Triples valid()
    {
        return valid;
    }

    public Triples test()
    {
        return test;
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
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + dir + ": " + ex, ex);
        }
        final String[] splits = {"train", "valid", "test"};
        final Triples[] sets = {train, valid, test};
        for (int s = 0; s < splits.length; s++)
        {
            final Triples triples = sets[s];
            writeLines(dir.resolve(splits[s] + ".txt"), triples.size(), (i, out) -> out.append(
                entities.get(triples.heads()[i])).append('\t').append(relations.get(triples.relations()[i]))
                .append('\t').append(entities.get(triples.tails()[i])));
            writeLines(dir.resolve(splits[s] + ".del"), triples.size(), (i, out) -> out.append(
                triples.heads()[i]).append('\t').append(triples.relations()[i]).append('\t').append(triples.tails()[i]));
        }
        writeLines(dir.resolve("entity_ids.del"), entities.size(), (i, out) -> out.append(i).append('\t')
            .append(entities.get(i)));
        writeLines(dir.resolve("relation_ids.del"), relations.size(), (i, out) -> out.append(i).append('\t')
            .append(relations.get(i)));
        writeFrequencies(dir.resolve(FREQUENCY_FILE));
    }

    /**
     * Writes how often each entity (as head or tail) and relation occurs in train as NuPS's
     * {@code parameter.frequencies.tsv}: lines {@code e ID COUNT} and {@code r ID COUNT}, separated by tabs,
     * sorted by count descending (ties: entities first, then by id).
     */
    public void writeFrequencies(final Path file)
    {
        final long[] entityCounts = new long[entities.size()];
        final long[] relationCounts = new long[relations.size()];
        for (int i = 0; i < train.size(); i++)
        {
            entityCounts[train.heads()[i]]++;
            relationCounts[train.relations()[i]]++;
            entityCounts[train.tails()[i]]++;
        }
        // parameter p < entities is entity p, else relation p - entities
        final Integer[] order = new Integer[entityCounts.length + relationCounts.length];
        Arrays.setAll(order, p -> p);
        final int ne = entityCounts.length;
        Arrays.sort(order, (a, b) -> Long.compare(count(b, entityCounts, relationCounts), count(a, entityCounts,
            relationCounts)));
        writeLines(file, order.length, (i, out) ->
        {
            final int p = order[i];
            out.append(p < ne ? "e\t" : "r\t").append(p < ne ? p : p - ne).append('\t')
                .append(count(p, entityCounts, relationCounts));
        });
    }

    private static long count(final int parameter, final long[] entityCounts, final long[] relationCounts)
    {
        return parameter < entityCounts.length ? entityCounts[parameter] : relationCounts[parameter - entityCounts.length];
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

    /** Appends line {@code i} (without its newline) to {@code out}. */
    private interface LineWriter
    {
        void append(int i, StringBuilder out);
    }

    private static void writeLines(final Path file, final int count, final LineWriter line)
    {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            final StringBuilder text = new StringBuilder(128);
            for (int i = 0; i < count; i++)
            {
                text.setLength(0);
                line.append(i, text);
                out.append(text).append('\n');
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex, ex);
        }
    }
}
