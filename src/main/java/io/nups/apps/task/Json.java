package io.nups.apps.task;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the JSON of run summaries and checkpoint headers: objects are {@link Map}s (insertion order kept),
 * arrays {@link List}s, numbers, strings, booleans and null. Non-finite numbers become null, since JSON has
 * none.
 */
final class Json
{
    private Json()
    {
    }

    static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(final StringBuilder out, final Object value, final int depth)
    {
        if (value == null)
        {
            out.append("null");
        }
        else if (value instanceof Map<?, ?> map)
        {
            out.append('{');
            boolean first = true;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                out.append(first ? "" : ",").append('\n').append("  ".repeat(depth + 1));
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), depth + 1);
                first = false;
            }
            out.append(map.isEmpty() ? "" : "\n" + "  ".repeat(depth)).append('}');
        }
        else if (value instanceof List<?> list)
        {
            final boolean flat = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
            out.append('[');
            for (int i = 0; i < list.size(); i++)
            {
                out.append(i == 0 ? "" : ",");
                if (!flat)
                {
                    out.append('\n').append("  ".repeat(depth + 1));
                }
                else if (i > 0)
                {
                    out.append(' ');
                }
                write(out, list.get(i), depth + 1);
            }
            out.append(!flat && !list.isEmpty() ? "\n" + "  ".repeat(depth) : "").append(']');
        }
        else if (value instanceof Double || value instanceof Float)
        {
            final double d = ((Number)value).doubleValue();
            out.append(Double.isFinite(d) ? number(d) : "null");
        }
        else if (value instanceof Number || value instanceof Boolean)
        {
            out.append(value);
        }
        else
        {
            string(out, value.toString());
        }
    }

    private static String number(final double d)
    {
        if (d == Math.rint(d) && Math.abs(d) < 1e15)
        {
            return Long.toString((long)d);
        }
        final String text = String.format(Locale.ROOT, "%.6g", d);
        return text.contains("e") || text.contains("E") ? text : text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static void string(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
