package io.nups.apps.mf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Parses a MatrixMarket coordinate file (reference §5.3: {@code %%MatrixMarket matrix coordinate real general},
 * {@code %} comment lines, the size line {@code M N L}, then {@code L} lines {@code i j x}, 1-based) straight
 * from bytes: no String or object per line, so millions of entries parse in about a second. Every error names
 * file:line, what was expected and what was found.
 */
final class MatrixMarketParser
{
    static final String HEADER = "%%MatrixMarket matrix coordinate real general";
    private static final int BUFFER_BYTES = 1 << 22;
    private static final int MAX_LINE_BYTES = 1 << 20;
    private static final int MAX_SHOWN = 60;
    /** Significant digits a long holds exactly; further digits only scale the value. */
    private static final int MAX_DIGITS = 18;
    private static final double[] POWERS_OF_TEN = new double[23];

    static
    {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++)
        {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final Path file;
    private final FileChannel channel;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private boolean endOfFile;
    private long lineNumber;
    private int lineStart;
    private int lineEnd;
    /** Where the last parsed number ended. */
    private int endOfNumber;

    private MatrixMarketParser(final Path file, final FileChannel channel)
    {
        this.file = file;
        this.channel = channel;
    }

    /** The matrix in {@code file}; an {@link IllegalArgumentException} naming file:line if it is malformed. */
    static CoordinateMatrix parse(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            return new MatrixMarketParser(file, channel).parse();
        }
    }

    private CoordinateMatrix parse() throws IOException
    {
        if (!nextLine())
        {
            lineNumber = 1;
            throw error("empty file; expected the header \"" + HEADER + "\"");
        }
        checkHeader();
        long sizeLine;
        do
        {
            if (!nextLine())
            {
                throw error("no size line; expected \"rows columns entries\" after the header and comments");
            }
            sizeLine = lineNumber;
        }
        while (isCommentOrBlank());
        int p = skipBlanks(lineStart);
        final long rows = integer(p, "the row count on the size line \"rows columns entries\"");
        p = skipBlanks(endOfNumber);
        final long cols = integer(p, "the column count on the size line \"rows columns entries\"");
        p = skipBlanks(endOfNumber);
        final long entries = integer(p, "the entry count on the size line \"rows columns entries\"");
        endOfLine(endOfNumber, "3 numbers on the size line \"rows columns entries\"");
        if (rows < 1 || rows > Integer.MAX_VALUE || cols < 1 || cols > Integer.MAX_VALUE)
        {
            throw error("rows and columns must be in [1, " + Integer.MAX_VALUE + "], got " + rows + " x " + cols);
        }
        if (entries > MatrixSpec.MAX_CELLS)
        {
            throw error("at most " + MatrixSpec.MAX_CELLS + " entries fit, the size line declares " + entries);
        }
        return new CoordinateMatrix((int)rows, (int)cols, entries((int)rows, (int)cols, (int)entries, sizeLine));
    }

    private Cells entries(final int rows, final int cols, final int entries, final long sizeLine) throws IOException
    {
        final int[] rowIndex = new int[entries];
        final int[] colIndex = new int[entries];
        final float[] values = new float[entries];
        int read = 0;
        while (nextLine())
        {
            if (isBlank())
            {
                continue;
            }
            if (read == entries)
            {
                throw error("more entries than the " + entries + " declared on the size line (line " + sizeLine + ")");
            }
            int p = skipBlanks(lineStart);
            final long row = integer(p, "a row index in [1, " + rows + "] (line format \"row column value\")");
            p = skipBlanks(endOfNumber);
            final long col = integer(p, "a column index in [1, " + cols + "] (line format \"row column value\")");
            p = skipBlanks(endOfNumber);
            final double value = number(p);
            endOfLine(endOfNumber, "3 fields \"row column value\"");
            if (row < 1 || row > rows)
            {
                throw error("row index " + row + " out of range; expected 1.." + rows);
            }
            if (col < 1 || col > cols)
            {
                throw error("column index " + col + " out of range; expected 1.." + cols);
            }
            rowIndex[read] = (int)row - 1;
            colIndex[read] = (int)col - 1;
            values[read] = (float)value;
            read++;
        }
        if (read < entries)
        {
            lineNumber++;
            throw error("end of file after " + read + " entries; the size line (line " + sizeLine + ") declares " +
                entries);
        }
        return new Cells(rowIndex, colIndex, values);
    }

    private void checkHeader()
    {
        final String header = new String(buffer, lineStart, lineEnd - lineStart, StandardCharsets.US_ASCII).trim();
        final String[] words = header.toLowerCase(Locale.ROOT).split("[ \t]+");
        final boolean valid = words.length == 5 && words[0].equals("%%matrixmarket") && words[1].equals("matrix") &&
            words[2].equals("coordinate") && (words[3].equals("real") || words[3].equals("integer")) &&
            words[4].equals("general");
        if (!valid)
        {
            throw error("expected the header \"" + HEADER + "\" (field real or integer), found \"" + shown(header) + "\"");
        }
    }

    /** Reads the next line into [lineStart, lineEnd) without its line break; false at the end of the file. */
    private boolean nextLine() throws IOException
    {
        int newline = indexOfNewline(position);
        while (newline < 0 && !endOfFile)
        {
            final int scanned = limit - position;
            fill();
            newline = indexOfNewline(position + scanned);
        }
        if (position == limit && endOfFile)
        {
            return false;
        }
        lineNumber++;
        lineStart = position;
        final int end = newline < 0 ? limit : newline;
        position = newline < 0 ? limit : newline + 1;
        lineEnd = end > lineStart && buffer[end - 1] == '\r' ? end - 1 : end;
        return true;
    }

    private int indexOfNewline(final int from)
    {
        final byte[] bytes = buffer;
        for (int i = from; i < limit; i++)
        {
            if (bytes[i] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    /** Moves the unread bytes to the front, growing the buffer for a long line, and reads more. */
    private void fill() throws IOException
    {
        final int unread = limit - position;
        if (unread == buffer.length)
        {
            if (buffer.length >= MAX_LINE_BYTES)
            {
                lineNumber++;
                throw error("line longer than " + MAX_LINE_BYTES + " bytes; expected \"row column value\" lines");
            }
            final byte[] larger = new byte[buffer.length * 2];
            System.arraycopy(buffer, position, larger, 0, unread);
            buffer = larger;
        }
        else
        {
            System.arraycopy(buffer, position, buffer, 0, unread);
        }
        position = 0;
        limit = unread;
        final int read = channel.read(ByteBuffer.wrap(buffer, limit, buffer.length - limit));
        if (read < 0)
        {
            endOfFile = true;
        }
        else
        {
            limit += read;
        }
    }

    private boolean isCommentOrBlank()
    {
        final int p = skipBlanks(lineStart);
        return p == lineEnd || buffer[p] == '%';
    }

    private boolean isBlank()
    {
        return skipBlanks(lineStart) == lineEnd;
    }

    private int skipBlanks(final int from)
    {
        int p = from;
        while (p < lineEnd && (buffer[p] == ' ' || buffer[p] == '\t'))
        {
            p++;
        }
        return p;
    }

    private long integer(final int from, final String expected)
    {
        int p = from;
        long value = 0;
        while (p < lineEnd && buffer[p] >= '0' && buffer[p] <= '9')
        {
            value = value * 10 + (buffer[p] - '0');
            if (value > Integer.MAX_VALUE * 4L)
            {
                throw error("expected " + expected + ", found the too large \"" + field(from) + "\"");
            }
            p++;
        }
        if (p == from || !endsField(p))
        {
            throw error("expected " + expected + ", found " + (from == lineEnd ? "the end of the line" :
                "\"" + field(from) + "\""));
        }
        endOfNumber = p;
        return value;
    }

    /**
     * A decimal number: sign, digits, point, digits, exponent. Up to 18 significant digits are taken exactly and
     * scaled by an exact power of ten, so the double is within an ulp of the decimal, and the float stored from it
     * is the correctly rounded one; rarer forms (more than 22 decimals) go through {@link Double#parseDouble}.
     */
    private double number(final int from)
    {
        int p = from;
        final boolean negative = p < lineEnd && buffer[p] == '-';
        if (p < lineEnd && (buffer[p] == '-' || buffer[p] == '+'))
        {
            p++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean anyDigit = false;
        boolean point = false;
        for (; p < lineEnd; p++)
        {
            final byte b = buffer[p];
            if (b >= '0' && b <= '9')
            {
                anyDigit = true;
                if (digits < MAX_DIGITS)
                {
                    mantissa = mantissa * 10 + (b - '0');
                    if (mantissa != 0)
                    {
                        digits++;
                    }
                    if (point)
                    {
                        scale--;
                    }
                }
                else if (!point)
                {
                    scale++;
                }
            }
            else if (b == '.' && !point)
            {
                point = true;
            }
            else
            {
                break;
            }
        }
        if (anyDigit && p < lineEnd && (buffer[p] == 'e' || buffer[p] == 'E'))
        {
            int q = p + 1;
            final boolean negativeExponent = q < lineEnd && buffer[q] == '-';
            if (q < lineEnd && (buffer[q] == '-' || buffer[q] == '+'))
            {
                q++;
            }
            final int exponentStart = q;
            int exponent = 0;
            while (q < lineEnd && buffer[q] >= '0' && buffer[q] <= '9' && exponent < 100_000)
            {
                exponent = exponent * 10 + (buffer[q] - '0');
                q++;
            }
            if (q == exponentStart)
            {
                anyDigit = false;
            }
            scale += negativeExponent ? -exponent : exponent;
            p = q;
        }
        if (!anyDigit || !endsField(p))
        {
            throw error("expected a finite decimal value (line format \"row column value\"), found " +
                (from == lineEnd ? "the end of the line" : "\"" + field(from) + "\""));
        }
        endOfNumber = p;
        final double magnitude;
        if (mantissa == 0)
        {
            magnitude = 0;
        }
        else if (scale >= 0 && scale < POWERS_OF_TEN.length)
        {
            magnitude = mantissa * POWERS_OF_TEN[scale];
        }
        else if (scale < 0 && -scale < POWERS_OF_TEN.length)
        {
            magnitude = mantissa / POWERS_OF_TEN[-scale];
        }
        else
        {
            magnitude = Math.abs(Double.parseDouble(new String(buffer, from, p - from, StandardCharsets.US_ASCII)));
        }
        if (Double.isInfinite(magnitude) || magnitude > Float.MAX_VALUE)
        {
            throw error("value \"" + field(from) + "\" does not fit a float (at most " + Float.MAX_VALUE + ")");
        }
        return negative ? -magnitude : magnitude;
    }

    private boolean endsField(final int p)
    {
        return p == lineEnd || buffer[p] == ' ' || buffer[p] == '\t';
    }

    private void endOfLine(final int from, final String expected)
    {
        final int p = skipBlanks(from);
        if (p != lineEnd)
        {
            throw error("expected " + expected + ", found more: \"" + field(p) + "\"");
        }
    }

    private String field(final int from)
    {
        int p = from;
        while (p < lineEnd && buffer[p] != ' ' && buffer[p] != '\t')
        {
            p++;
        }
        return shown(new String(buffer, from, p - from, StandardCharsets.US_ASCII));
    }

    private static String shown(final String text)
    {
        return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
    }

    private IllegalArgumentException error(final String message)
    {
        return new IllegalArgumentException(file + ":" + lineNumber + ": " + message);
    }
}
