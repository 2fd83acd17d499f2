package io.nups.apps.kge;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The name-based layout of a knowledge graph (FB15k-237, WN18RR as distributed): a directory with
 * {@code train.txt}, {@code valid.txt} and {@code test.txt}, one {@code head<TAB>relation<TAB>tail} triple of
 * names per line.
 *
 * <p>Ids are dense and deterministic: entities and relations are numbered in order of first appearance in
 * train, then valid, then test (head before tail). So the ids of everything seen in training come first, and a
 * name that appears only in valid or test is still mapped (to an id after all training ids), as libkge's
 * preprocessing does: its triples stay in the evaluation, like the published WN18RR numbers, and its embedding
 * simply is never trained. {@link KgeDataLoader#heldOutWithUnseen(KgeDataset)} counts such triples and the loader
 * logs the count.
 */
public final class NamedTripleFiles
{
    static final String SUFFIX = ".txt";

    private static final String FORMAT = "\"head<TAB>relation<TAB>tail\" (names)";

    private NamedTripleFiles()
    {
    }

    /** True if {@code directory} holds a {@code train.txt}. */
    public static boolean isLayoutOf(final Path directory)
    {
        return Files.isRegularFile(directory.resolve("train" + SUFFIX));
    }

    /**
     * Reads the graph in {@code directory}. Bad content is an {@link IllegalArgumentException} naming
     * file:line, what was expected and what was found; a missing split file names the file.
     */
    public static KgeDataset read(final Path directory)
    {
        final Path[] files = Splits.files(directory, SUFFIX, "name-based");
        final IdMap entities = new IdMap();
        final IdMap relations = new IdMap();
        final Triples[] splits = new Triples[files.length];
        for (int split = 0; split < files.length; split++)
        {
            splits[split] = readTriples(files[split], entities, relations);
        }
        return new KgeDataset(directory.toString(), entities.names(), relations.names(), splits[0], splits[1],
            splits[2]);
    }

    /**
     * Writes {@code dataset} as names into {@code directory} (created if needed). Names must be non-empty,
     * unique within entities and within relations, and free of tabs and line breaks, else this is an
     * {@link IllegalArgumentException} naming the first that is not.
     */
    public static void write(final KgeDataset dataset, final Path directory) throws IOException
    {
        checkWritable(dataset.entityNames(), "entity");
        checkWritable(dataset.relationNames(), "relation");
        Files.createDirectories(directory);
        for (int split = 0; split < Splits.NAMES.size(); split++)
        {
            final Triples triples = Splits.get(dataset, split);
            final Path file = directory.resolve(Splits.NAMES.get(split) + SUFFIX);
            try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
            {
                for (int i = 0; i < triples.size(); i++)
                {
                    out.write(dataset.entityNames().get(triples.heads()[i]));
                    out.write('\t');
                    out.write(dataset.relationNames().get(triples.relations()[i]));
                    out.write('\t');
                    out.write(dataset.entityNames().get(triples.tails()[i]));
                    out.write('\n');
                }
            }
        }
    }

    private static Triples readTriples(final Path file, final IdMap entities, final IdMap relations)
    {
        final TripleColumns columns = new TripleColumns();
        try (ByteLines lines = ByteLines.open(file, "triple file"))
        {
            while (lines.next())
            {
                if (lines.isBlank())
                {
                    continue;
                }
                final byte[] bytes = lines.buffer();
                final int start = lines.start();
                final int end = lines.end();
                final int firstTab = lines.tab(start);
                final int secondTab = lines.tab(firstTab + 1);
                if (secondTab == end || lines.tab(secondTab + 1) != end)
                {
                    throw lines.bad(FORMAT, lines.fields() + " tab-separated fields instead of 3");
                }
                if (firstTab == start || secondTab == firstTab + 1 || end == secondTab + 1)
                {
                    throw lines.bad(FORMAT, "the " + (firstTab == start ? "head" : secondTab == firstTab + 1 ?
                        "relation" : "tail") + " name is empty");
                }
                final int head = entities.idOf(bytes, start, firstTab);
                final int relation = relations.idOf(bytes, firstTab + 1, secondTab);
                final int tail = entities.idOf(bytes, secondTab + 1, end);
                columns.add(head, relation, tail);
            }
            if (columns.size() == 0)
            {
                throw new IllegalArgumentException(file + ":" + Math.max(1, lines.number()) +
                    ": no triples in the file; expected lines of " + FORMAT);
            }
        }
        return columns.toTriples();
    }

    private static void checkWritable(final List<String> names, final String kind)
    {
        final Map<String, Integer> seen = new HashMap<>();
        for (int id = 0; id < names.size(); id++)
        {
            final String name = names.get(id);
            if (name.isEmpty() || name.indexOf('\t') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0)
            {
                throw new IllegalArgumentException(kind + " " + id + " has the name \"" + name +
                    "\", which a name-based triple file cannot hold (empty, or with a tab or line break)");
            }
            final Integer before = seen.putIfAbsent(name, id);
            if (before != null)
            {
                throw new IllegalArgumentException(kind + " ids " + before + " and " + id + " share the name \"" + name +
                    "\"; a name-based triple file would merge them");
            }
        }
    }
}
