package io.nups.apps.kge;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The libkge layout of a knowledge graph: a directory with {@code train.del}, {@code valid.del} and
 * {@code test.del} ({@code head<TAB>relation<TAB>tail} integer ids, one triple per line) and optionally
 * {@code entity_ids.del} and {@code relation_ids.del} ({@code id<TAB>name}, ids covering {@code [0, n)}).
 *
 * <p>This is also exactly what {@code gen_nups_synth.py kge} and NuPS's {@code apps/data/kge} contain: the three
 * split files without id files (their {@code parameter.frequencies.tsv} and {@code MANIFEST.txt} are not needed
 * to read the graph). With an id file, every id must lie in its range; without one, the count is the largest id
 * in any split plus one and each id is named by its decimal number. Blank lines and a final line without
 * {@code \n} are accepted; {@code \r\n} line ends too.
 */
public final class DelFiles
{
    /** File of entity names, {@code id<TAB>name}. */
    public static final String ENTITY_IDS = "entity_ids.del";
    /** File of relation names, {@code id<TAB>name}. */
    public static final String RELATION_IDS = "relation_ids.del";
    static final String SUFFIX = ".del";

    private static final String TRIPLE_FORMAT = "\"head<TAB>relation<TAB>tail\" as integer ids";
    private static final String ID_FORMAT = "\"id<TAB>name\"";

    private DelFiles()
    {
    }

    /** True if {@code directory} holds a libkge {@code train.del}. */
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
        final Path[] files = Splits.files(directory, SUFFIX, "libkge");
        final List<String> entityNames = readNames(directory.resolve(ENTITY_IDS), "entity");
        final List<String> relationNames = readNames(directory.resolve(RELATION_IDS), "relation");
        final IdRange entities = new IdRange("entity", entityNames, directory.resolve(ENTITY_IDS));
        final IdRange relations = new IdRange("relation", relationNames, directory.resolve(RELATION_IDS));
        final Triples[] splits = new Triples[files.length];
        for (int split = 0; split < files.length; split++)
        {
            splits[split] = readTriples(files[split], entities, relations);
        }
        return new KgeDataset(directory.toString(), entities.names(), relations.names(), splits[0], splits[1],
            splits[2]);
    }

    /**
     * Writes {@code dataset} into {@code directory} (created if needed): the three split files and both id files.
     * A name containing a line break cannot be written and is an {@link IllegalArgumentException}.
     */
    public static void write(final KgeDataset dataset, final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        writeNames(directory.resolve(ENTITY_IDS), dataset.entityNames(), "entity");
        writeNames(directory.resolve(RELATION_IDS), dataset.relationNames(), "relation");
        for (int split = 0; split < Splits.NAMES.size(); split++)
        {
            writeTriples(directory.resolve(Splits.NAMES.get(split) + SUFFIX), Splits.get(dataset, split));
        }
    }

    private static Triples readTriples(final Path file, final IdRange entities, final IdRange relations)
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
                final int end = lines.end();
                final int firstTab = lines.tab(lines.start());
                final int secondTab = lines.tab(firstTab + 1);
                if (secondTab == end || lines.tab(secondTab + 1) != end)
                {
                    throw lines.bad(TRIPLE_FORMAT, lines.fields() + " tab-separated fields instead of 3");
                }
                final int head = entities.id(lines, lines.start(), firstTab, "head", TRIPLE_FORMAT);
                final int relation = relations.id(lines, firstTab + 1, secondTab, "relation", TRIPLE_FORMAT);
                final int tail = entities.id(lines, secondTab + 1, end, "tail", TRIPLE_FORMAT);
                columns.add(head, relation, tail);
            }
            if (columns.size() == 0)
            {
                throw new IllegalArgumentException(file + ":" + Math.max(1, lines.number()) +
                    ": no triples in the file; expected lines of " + TRIPLE_FORMAT);
            }
        }
        return columns.toTriples();
    }

    /** The names by id in an id file, or null if there is no such file. */
    private static List<String> readNames(final Path file, final String kind)
    {
        if (!Files.exists(file))
        {
            return null;
        }
        final List<String> names = new ArrayList<>();
        final IdRange unbounded = new IdRange(kind, null, null);
        try (ByteLines lines = ByteLines.open(file, kind + " id file"))
        {
            while (lines.next())
            {
                if (lines.isBlank())
                {
                    continue;
                }
                final int separator = lines.tab(lines.start());
                if (separator == lines.end())
                {
                    throw lines.bad(ID_FORMAT, "no tab");
                }
                final int id = unbounded.id(lines, lines.start(), separator, kind, ID_FORMAT);
                while (names.size() <= id)
                {
                    names.add(null);
                }
                if (names.get(id) != null)
                {
                    throw lines.bad(ID_FORMAT, kind + " id " + id + " is listed twice");
                }
                names.set(id, new String(lines.buffer(), separator + 1, lines.end() - separator - 1,
                    StandardCharsets.UTF_8));
            }
            if (names.isEmpty())
            {
                throw new IllegalArgumentException(file + ":" + Math.max(1, lines.number()) + ": no " + kind +
                    " ids in the file; expected lines of " + ID_FORMAT);
            }
        }
        final int gap = names.indexOf(null);
        if (gap >= 0)
        {
            throw new IllegalArgumentException(file + ": " + kind + " id " + gap + " has no line; ids must cover [0, " +
                names.size() + ") (the largest id listed plus one)");
        }
        return names;
    }

    private static void writeNames(final Path file, final List<String> names, final String kind) throws IOException
    {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (int id = 0; id < names.size(); id++)
            {
                final String name = names.get(id);
                if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0)
                {
                    throw new IllegalArgumentException(kind + " " + id + " has a line break in its name \"" + name +
                        "\"; " + file + " takes one \"id<TAB>name\" per line");
                }
                out.write(Integer.toString(id));
                out.write('\t');
                out.write(name);
                out.write('\n');
            }
        }
    }

    static void writeTriples(final Path file, final Triples triples) throws IOException
    {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (int i = 0; i < triples.size(); i++)
            {
                out.write(Integer.toString(triples.heads()[i]));
                out.write('\t');
                out.write(Integer.toString(triples.relations()[i]));
                out.write('\t');
                out.write(Integer.toString(triples.tails()[i]));
                out.write('\n');
            }
        }
    }

    /** The ids of one kind: bounded by an id file, or open and tracking the largest id seen. */
    private static final class IdRange
    {
        private final String kind;
        private final List<String> names;
        private final Path source;
        private final int limit;
        private int largest = -1;

        IdRange(final String kind, final List<String> names, final Path source)
        {
            this.kind = kind;
            this.names = names;
            this.source = source;
            this.limit = names == null ? Integer.MAX_VALUE : names.size();
        }

        /**
         * Parses the decimal id in {@code [from, to)} of the current line; {@code role} names the field and
         * {@code expected} the line format for the error message.
         */
        int id(final ByteLines lines, final int from, final int to, final String role, final String expected)
        {
            final byte[] bytes = lines.buffer();
            if (from == to)
            {
                throw lines.bad(expected, role + " id is empty");
            }
            long value = 0;
            for (int i = from; i < to; i++)
            {
                final int digit = bytes[i] - '0';
                if (digit < 0 || digit > 9)
                {
                    final String text = new String(bytes, from, to - from, StandardCharsets.UTF_8);
                    throw lines.bad(expected, role + " id \"" + text + "\" is " +
                        (bytes[from] == '-' && to - from > 1 ? "negative" : "not a non-negative integer"));
                }
                value = value * 10 + digit;
                if (value >= limit)
                {
                    throw lines.bad(expected, names == null
                        ? role + " id " + new String(bytes, from, to - from, StandardCharsets.UTF_8) + " is not below 2^31-1"
                        : role + " id " + new String(bytes, from, to - from, StandardCharsets.UTF_8) +
                        " is out of range: " + source + " lists " + kind + " ids [0, " + limit + ")");
                }
            }
            largest = Math.max(largest, (int)value);
            return (int)value;
        }

        List<String> names()
        {
            if (names != null)
            {
                return names;
            }
            final String[] numbered = new String[largest + 1];
            Arrays.setAll(numbered, Integer::toString);
            return Arrays.asList(numbered);
        }
    }
}
