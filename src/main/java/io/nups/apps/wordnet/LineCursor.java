package io.nups.apps.wordnet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads the space-separated fields of one line of a WordNet database file, and names the place
 * ({@code source:line}) and what was expected when a field is wrong.
 */
final class LineCursor
{
    private static final int MAX_SHOWN = 40;

    private final String source;
    private final int number;
    private final String line;
    private int position;
    private String item;
    private int itemNumber;
    private int itemCount;

    LineCursor(final String source, final int number, final String line)
    {
        this.source = source;
        this.number = number;
        this.line = line;
    }

    /**
     * Parses every line of {@code in} except the license header (lines starting with two spaces) with
     * {@code parseLine} and hands the results to {@code sink}, in file order.
     */
    static <T> void parseLines(final BufferedReader in, final String source, final Function<LineCursor, T> parseLine,
        final Consumer<T> sink)
    {
        try
        {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null)
            {
                number++;
                if (!line.startsWith("  "))
                {
                    sink.accept(parseLine.apply(new LineCursor(source, number, line)));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + source + ": " + ex, ex);
        }
    }

    /**
     * Names the repeated item the next fields belong to ({@code pointer 3 of 7}) in error messages, without
     * building a message per field; a null {@code item} ends it.
     */
    void within(final String item, final int number, final int count)
    {
        this.item = item;
        this.itemNumber = number;
        this.itemCount = count;
    }

    /** The next field, which must exist; {@code expected} describes it for the error message. */
    String next(final String expected)
    {
        final int start = skipField(expected);
        return line.substring(start, position);
    }

    /** The next field as an unsigned number in {@code radix}, at most {@code max}. */
    int nextNumber(final String expected, final int radix, final int max)
    {
        final int start = skipField(expected);
        long value = 0;
        for (int i = start; i < position && value <= max; i++)
        {
            final int digit = Character.digit(line.charAt(i), radix);
            value = digit < 0 ? Long.MAX_VALUE : value * radix + digit;
        }
        if (value > max)
        {
            throw failField(expected, start);
        }
        return (int)value;
    }

    /** The next field, which must be a single character from {@code allowed}. */
    char nextChar(final String expected, final String allowed)
    {
        final int start = skipField(expected);
        if (position - start != 1 || allowed.indexOf(line.charAt(start)) < 0)
        {
            throw failField(expected, start);
        }
        return line.charAt(start);
    }

    /** The next field, which must be exactly {@code literal}. */
    void expect(final String literal, final String expected)
    {
        final int start = skipField(expected);
        if (!line.startsWith(literal, start) || position - start != literal.length())
        {
            throw failField(expected, start);
        }
    }

    /** Everything after the current position, without surrounding spaces. */
    String rest()
    {
        final String text = line.substring(position).strip();
        position = line.length();
        return text;
    }

    IllegalArgumentException fail(final String expected, final String found)
    {
        final String where = item == null ? "" : " of " + item + " " + itemNumber + " of " + itemCount;
        return new IllegalArgumentException(
            source + ":" + number + ": expected " + expected + where + ", found " + found + " in \"" + shown(line) + "\"");
    }

    /** Moves past the next field and returns where it starts. */
    private int skipField(final String expected)
    {
        while (position < line.length() && line.charAt(position) == ' ')
        {
            position++;
        }
        if (position == line.length())
        {
            throw fail(expected, "end of line");
        }
        final int start = position;
        while (position < line.length() && line.charAt(position) != ' ')
        {
            position++;
        }
        return start;
    }

    private IllegalArgumentException failField(final String expected, final int start)
    {
        return fail(expected, '"' + shown(line.substring(start, position)) + '"');
    }

    private static String shown(final String text)
    {
        final String stripped = text.strip();
        return stripped.length() <= MAX_SHOWN ? stripped : stripped.substring(0, MAX_SHOWN) + "...";
    }
}
