package io.nups.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Expands Slurm's compressed hostlist syntax: {@code node[01-04,07],gpu3} is node01, node02, node03,
 * node04, node07, gpu3. A bracket holds numbers and ranges; a range keeps the width of its lower bound, so
 * {@code [08-10]} is 08, 09, 10. Several brackets in one name expand to every combination, in order
 * ({@code r[1-2]n[1-2]} is r1n1, r1n2, r2n1, r2n2).
 */
final class Hostlist
{
    /** Far above any Slurm cluster; stops a typo like {@code [1-999999999]} before it allocates. */
    static final int MAX_HOSTS = 1 << 20;

    private final String text;
    private int position;

    private Hostlist(final String text)
    {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the hostlist and the character where it goes wrong
     */
    static List<String> expand(final String text)
    {
        return new Hostlist(text).hosts();
    }

    private List<String> hosts()
    {
        if (text.isEmpty())
        {
            throw error("is empty");
        }
        final List<String> hosts = new ArrayList<>();
        while (true)
        {
            final List<List<String>> parts = name();
            long count = 1;
            for (final List<String> part : parts)
            {
                count *= part.size();
                if (hosts.size() + count > MAX_HOSTS)
                {
                    throw error("names more than " + MAX_HOSTS + " hosts");
                }
            }
            combine(parts, 0, new StringBuilder(), hosts);
            if (position == text.length())
            {
                return hosts;
            }
            position++; // the comma that ended the name
        }
    }

    /** One comma-separated name: literal parts of one alternative and bracket parts of several. */
    private List<List<String>> name()
    {
        final int start = position;
        final List<List<String>> parts = new ArrayList<>();
        while (position < text.length() && text.charAt(position) != ',')
        {
            final char c = text.charAt(position);
            if (c == '[')
            {
                position++;
                parts.add(bracket());
            }
            else if (c == ']' || Character.isWhitespace(c))
            {
                throw error("has an unexpected '" + c + "'");
            }
            else
            {
                final int literalStart = position;
                while (position < text.length() && "[],".indexOf(text.charAt(position)) < 0 &&
                    !Character.isWhitespace(text.charAt(position)))
                {
                    position++;
                }
                parts.add(List.of(text.substring(literalStart, position)));
            }
        }
        if (position == start)
        {
            throw error("has an empty host name");
        }
        return parts;
    }

    private List<String> bracket()
    {
        final List<String> values = new ArrayList<>();
        while (true)
        {
            final int start = position;
            final String low = digits();
            String high = low;
            if (position < text.length() && text.charAt(position) == '-')
            {
                position++;
                high = digits();
            }
            range(low, high, start, values);
            if (position >= text.length())
            {
                throw error("misses a ']'");
            }
            final char c = text.charAt(position++);
            if (c == ']')
            {
                return values;
            }
            if (c != ',')
            {
                position--;
                throw error("has '" + c + "' in a bracket, where a number, '-', ',' or ']' belongs");
            }
        }
    }

    private String digits()
    {
        final int start = position;
        while (position < text.length() && Character.isDigit(text.charAt(position)) && position - start < 18)
        {
            position++;
        }
        if (position == start)
        {
            throw error(position < text.length() ?
                "has '" + text.charAt(position) + "' in a bracket, where a number belongs" : "misses a ']'");
        }
        return text.substring(start, position);
    }

    private void range(final String low, final String high, final int start, final List<String> values)
    {
        final long from = Long.parseLong(low);
        final long to = Long.parseLong(high);
        if (to < from)
        {
            position = start;
            throw error("has a decreasing range " + low + "-" + high);
        }
        if (to - from + values.size() >= MAX_HOSTS)
        {
            position = start;
            throw error("names more than " + MAX_HOSTS + " hosts");
        }
        final int width = low.length();
        for (long value = from; value <= to; value++)
        {
            final String number = Long.toString(value);
            values.add(number.length() >= width ? number : "0".repeat(width - number.length()) + number);
        }
    }

    private static void combine(
        final List<List<String>> parts, final int index, final StringBuilder prefix, final List<String> hosts)
    {
        if (index == parts.size())
        {
            hosts.add(prefix.toString());
            return;
        }
        final int length = prefix.length();
        for (final String value : parts.get(index))
        {
            prefix.append(value);
            combine(parts, index + 1, prefix, hosts);
            prefix.setLength(length);
        }
    }

    private IllegalArgumentException error(final String problem)
    {
        return new IllegalArgumentException(
            "hostlist '" + text + "' " + problem + (text.isEmpty() ? "" : " (at character " + (position + 1) + ")"));
    }
}
