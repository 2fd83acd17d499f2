package io.nups.manage;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Readers of the files that say which keys to replicate: NuPS's access-frequency files (KGE
 * {@code parameter.frequencies.tsv}, MF {@code *.colfreqs.csv}), ranked by count, and a plain key list.
 *
 * <p>A frequency file counts parameters (an entity, a relation, a column); the caller maps each parameter to
 * its keys, since a parameter may span several keys (a RESCAL relation) and keys may be permuted. As in NuPS,
 * "top n" counts parameters, not keys.
 *
 * <p>Bad content is an {@link IllegalArgumentException} naming file:line, what was expected and what was found;
 * an unreadable file is an {@link UncheckedIOException} naming the file.
 */
public final class FrequencyFiles
{
    static final String KGE_FORMAT = "e|r <id> <count>";
    static final String COLUMN_FORMAT = "<count><TAB><column>";
    static final String KEY_LIST_FORMAT = "<key>";

    private static final int MAX_SHOWN = 80;

    private FrequencyFiles()
    {
    }

    /**
     * Parameters and their keys, highest count first; equal counts keep file order. Parameter {@code rank}
     * has count {@link #count(int)} and keys {@link #keys(int)}.
     */
    public static final class Ranked
    {
        private final long[] counts;
        private final int[] starts;
        private final int[] keys;

        private Ranked(final long[] counts, final int[] starts, final int[] keys)
        {
            this.counts = counts;
            this.starts = starts;
            this.keys = keys;
        }

        /** Number of parameters. */
        public int size()
        {
            return counts.length;
        }

        public long count(final int rank)
        {
            return counts[rank];
        }

        /** The keys of the parameter at {@code rank} (a copy). */
        public int[] keys(final int rank)
        {
            return Arrays.copyOfRange(keys, starts[rank], starts[rank + 1]);
        }

        /** The keys of the {@code n} top-ranked parameters, in rank order; all of them if n exceeds the size. */
        public int[] topKeys(final int n)
        {
            if (n < 0)
            {
                throw new IllegalArgumentException("number of replicated parameters must be >= 0, got " + n);
            }
            return Arrays.copyOf(keys, starts[Math.min(n, counts.length)]);
        }

        /** Sum of all counts. */
        public long total()
        {
            long total = 0;
            for (final long count : counts)
            {
                total += count;
            }
            return total;
        }

        /**
         * Counts per key over {@code [0, numKeys)}: every key of a parameter is accessed whenever the
         * parameter is, so each gets the parameter's count. Feeds {@link HotKeys#coverage(long[])}.
         */
        public long[] countsByKey(final int numKeys)
        {
            final long[] byKey = new long[numKeys];
            for (int rank = 0; rank < counts.length; rank++)
            {
                for (int i = starts[rank]; i < starts[rank + 1]; i++)
                {
                    final int key = keys[i];
                    if (key < 0 || key >= numKeys)
                    {
                        throw new IllegalArgumentException(
                            "key " + key + " of a counted parameter is out of range [0, " + numKeys + ")");
                    }
                    byKey[key] += counts[rank];
                }
            }
            return byKey;
        }
    }

    /**
     * True if {@code file} is a KGE {@code parameter.frequencies.tsv} rather than an MF column file: its first
     * non-blank line is an entity or relation line ({@code e 12 983}), where a column file has its header.
     */
    public static boolean isKge(final Path file)
    {
        final String[] fields = new String[3];
        try (BufferedReader reader = open(file))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                final int count = split(line, fields);
                if (count != 0)
                {
                    return count == 3 && (fields[0].equals("e") || fields[0].equals("r"));
                }
            }
            return false;
        }
        catch (final IOException ex)
        {
            throw cannotRead(file, ex);
        }
    }

    /** Keys of the {@code n} most frequent parameters of a KGE {@code parameter.frequencies.tsv}. */
    public static int[] readKge(final Path file, final IntFunction<int[]> entityKeys,
        final IntFunction<int[]> relationKeys, final int n)
    {
        return readKgeRanked(file, entityKeys, relationKeys).topKeys(n);
    }

    /**
     * All parameters of a KGE {@code parameter.frequencies.tsv}, ranked. Lines are {@code type id count},
     * separated by spaces or tabs, type {@code e} (entity) or {@code r} (relation); blank lines are skipped.
     */
    public static Ranked readKgeRanked(final Path file, final IntFunction<int[]> entityKeys,
        final IntFunction<int[]> relationKeys)
    {
        final Collector collector = new Collector(file, KGE_FORMAT);
        final BitSet seenEntities = new BitSet();
        final BitSet seenRelations = new BitSet();
        final String[] fields = new String[3];
        try (BufferedReader reader = open(file))
        {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null)
            {
                number++;
                final int count = split(line, fields);
                if (count == 0)
                {
                    continue;
                }
                if (count != 3)
                {
                    throw collector.bad(number, line, count + " fields instead of 3");
                }
                final boolean entity = fields[0].equals("e");
                if (!entity && !fields[0].equals("r"))
                {
                    throw collector.bad(number, line, "type must be e (entity) or r (relation)");
                }
                final String kind = entity ? "entity" : "relation";
                final int id = parseId(collector, number, line, fields[1], kind);
                final long frequency = parseCount(collector, number, line, fields[2]);
                final BitSet seen = entity ? seenEntities : seenRelations;
                if (seen.get(id))
                {
                    throw collector.bad(number, line, kind + " " + id + " is listed twice");
                }
                seen.set(id);
                collector.add(number, line, kind + " " + id, frequency, entity ? entityKeys : relationKeys, id);
            }
        }
        catch (final IOException ex)
        {
            throw cannotRead(file, ex);
        }
        return collector.ranked();
    }

    /** Keys of the {@code n} most frequent columns of an MF {@code *.colfreqs.csv}. */
    public static int[] readColumnFrequencies(final Path file, final IntFunction<int[]> columnKeys, final int n)
    {
        return readColumnFrequenciesRanked(file, columnKeys).topKeys(n);
    }

    /**
     * All columns of an MF {@code *.colfreqs.csv}, ranked: one header line, then {@code count<TAB>column}
     * lines (any spaces or tabs separate); blank lines are skipped.
     */
    public static Ranked readColumnFrequenciesRanked(final Path file, final IntFunction<int[]> columnKeys)
    {
        final Collector collector = new Collector(file, COLUMN_FORMAT);
        final BitSet seen = new BitSet();
        final String[] fields = new String[2];
        try (BufferedReader reader = open(file))
        {
            final String header = reader.readLine();
            if (header == null)
            {
                throw new IllegalArgumentException(
                    file + ": empty; expected a header line, then \"" + COLUMN_FORMAT + "\" lines");
            }
            if (split(header, fields) == 2 && isDigits(fields[0]) && isDigits(fields[1]))
            {
                // losing the hottest column to a missing header would go unnoticed
                throw new IllegalArgumentException(
                    file + ":1: expected a header line, found data \"" + shown(header) + "\"");
            }
            String line;
            int number = 1;
            while ((line = reader.readLine()) != null)
            {
                number++;
                final int count = split(line, fields);
                if (count == 0)
                {
                    continue;
                }
                if (count != 2)
                {
                    throw collector.bad(number, line, count + " fields instead of 2");
                }
                final long frequency = parseCount(collector, number, line, fields[0]);
                final int column = parseId(collector, number, line, fields[1], "column");
                if (seen.get(column))
                {
                    throw collector.bad(number, line, "column " + column + " is listed twice");
                }
                seen.set(column);
                collector.add(number, line, "column " + column, frequency, columnKeys, column);
            }
        }
        catch (final IOException ex)
        {
            throw cannotRead(file, ex);
        }
        return collector.ranked();
    }

    /**
     * The keys of a key list ({@code --replicate-keys FILE}): one key in {@code [0, numKeys)} per line, in file
     * order; {@code #} starts a comment, blank lines are skipped. Duplicates are kept ({@link HotKeys#of} drops
     * them).
     */
    public static int[] readKeyList(final Path file, final int numKeys)
    {
        final IntArrayList keys = new IntArrayList();
        final String[] fields = new String[1];
        try (BufferedReader reader = open(file))
        {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null)
            {
                number++;
                final int comment = line.indexOf('#');
                final int count = split(comment < 0 ? line : line.substring(0, comment), fields);
                if (count == 0)
                {
                    continue;
                }
                if (count != 1)
                {
                    throw bad(file, number, KEY_LIST_FORMAT, line, "one key per line");
                }
                final long key = parseLongOrMinusOne(fields[0]);
                if (key < 0 || key >= numKeys)
                {
                    throw bad(file, number, KEY_LIST_FORMAT, line, "a key must be an integer in [0, " + numKeys + ")");
                }
                keys.addInt((int)key);
            }
        }
        catch (final IOException ex)
        {
            throw cannotRead(file, ex);
        }
        if (keys.isEmpty())
        {
            throw new IllegalArgumentException(file + ": no keys; expected one key in [0, " + numKeys + ") per line");
        }
        return keys.toIntArray();
    }

    /** Parameters in file order; {@link #ranked()} sorts them by count. */
    private static final class Collector
    {
        private final Path file;
        private final String format;
        private final LongArrayList counts = new LongArrayList();
        private final IntArrayList starts = new IntArrayList();
        private final IntArrayList keys = new IntArrayList();

        Collector(final Path file, final String format)
        {
            this.file = file;
            this.format = format;
        }

        void add(final int number, final String line, final String parameter, final long count,
            final IntFunction<int[]> keysOf, final int id)
        {
            final int[] mapped;
            try
            {
                mapped = keysOf.apply(id);
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(message(file, number, format, line,
                    parameter + " has no key: " + (ex.getMessage() != null ? ex.getMessage() : ex)), ex);
            }
            if (mapped == null || mapped.length == 0)
            {
                throw bad(number, line, parameter + " maps to no key");
            }
            starts.addInt(keys.size());
            for (final int key : mapped)
            {
                keys.addInt(key);
            }
            counts.addLong(count);
        }

        IllegalArgumentException bad(final int number, final String line, final String why)
        {
            return FrequencyFiles.bad(file, number, format, line, why);
        }

        Ranked ranked()
        {
            final int size = counts.size();
            if (size == 0)
            {
                throw new IllegalArgumentException(file + ": no entries; expected \"" + format + "\" lines");
            }
            final long[] inFileOrder = counts.toLongArray();
            final int[] order = rankOrder(inFileOrder);
            final long[] rankedCounts = new long[size];
            final int[] rankedStarts = new int[size + 1];
            final int[] rankedKeys = new int[keys.size()];
            int next = 0;
            for (int rank = 0; rank < size; rank++)
            {
                final int p = order[rank];
                final int from = starts.getInt(p);
                final int to = p + 1 < size ? starts.getInt(p + 1) : keys.size();
                rankedCounts[rank] = inFileOrder[p];
                rankedStarts[rank] = next;
                for (int i = from; i < to; i++)
                {
                    rankedKeys[next++] = keys.getInt(i);
                }
            }
            rankedStarts[size] = next;
            return new Ranked(rankedCounts, rankedStarts, rankedKeys);
        }
    }

    /** Positions by count descending, stable; NuPS writes these files sorted, so that is checked first. */
    private static int[] rankOrder(final long[] counts)
    {
        boolean sorted = true;
        for (int i = 1; i < counts.length && sorted; i++)
        {
            sorted = counts[i - 1] >= counts[i];
        }
        final int[] order = new int[counts.length];
        Arrays.setAll(order, i -> i);
        if (sorted)
        {
            return order;
        }
        return IntStream.of(order).boxed()
            .sorted((a, b) -> Long.compare(counts[b], counts[a])) // a stable sort keeps file order on ties
            .mapToInt(Integer::intValue).toArray();
    }

    private static BufferedReader open(final Path file)
    {
        try
        {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw cannotRead(file, ex);
        }
    }

    private static UncheckedIOException cannotRead(final Path file, final IOException ex)
    {
        return new UncheckedIOException("cannot read " + file + ": " + ex, ex);
    }

    private static int parseId(final Collector collector, final int number, final String line, final String field,
        final String kind)
    {
        final long id = parseLongOrMinusOne(field);
        if (id < 0 || id > Integer.MAX_VALUE)
        {
            throw collector.bad(number, line, kind + " id \"" + field + "\" is not an integer in [0, 2^31)");
        }
        return (int)id;
    }

    private static long parseCount(final Collector collector, final int number, final String line, final String field)
    {
        final long count;
        try
        {
            count = Long.parseLong(field);
        }
        catch (final NumberFormatException ex)
        {
            throw collector.bad(number, line, "count \"" + field + "\" is not an integer");
        }
        if (count < 0)
        {
            throw collector.bad(number, line, "count " + count + " is negative");
        }
        return count;
    }

    private static long parseLongOrMinusOne(final String field)
    {
        try
        {
            return isDigits(field) ? Long.parseLong(field) : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1; // too long for a long
        }
    }

    private static boolean isDigits(final String field)
    {
        if (field.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < field.length(); i++)
        {
            if (field.charAt(i) < '0' || field.charAt(i) > '9')
            {
                return false;
            }
        }
        return true;
    }

    /** Splits on whitespace into {@code fields} as far as they go; returns how many fields the line has. */
    private static int split(final String line, final String[] fields)
    {
        int count = 0;
        int i = 0;
        final int length = line.length();
        while (true)
        {
            while (i < length && Character.isWhitespace(line.charAt(i)))
            {
                i++;
            }
            if (i == length)
            {
                return count;
            }
            final int start = i;
            while (i < length && !Character.isWhitespace(line.charAt(i)))
            {
                i++;
            }
            if (count < fields.length)
            {
                fields[count] = line.substring(start, i);
            }
            count++;
        }
    }

    private static IllegalArgumentException bad(final Path file, final int number, final String format,
        final String line, final String why)
    {
        return new IllegalArgumentException(message(file, number, format, line, why));
    }

    private static String message(final Path file, final int number, final String format, final String line,
        final String why)
    {
        return file + ":" + number + ": expected \"" + format + "\", found \"" + shown(line) + "\" (" + why + ")";
    }

    private static String shown(final String line)
    {
        final String text = line.strip();
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }
}
