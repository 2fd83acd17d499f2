package io.nups.apps.kge;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a text file line by line as bytes, without decoding or allocating per line: {@link #next()} exposes the
 * current line as {@code buffer()[start(), end())} (line terminator and a trailing {@code \r} removed), valid
 * until the next call. The data readers parse fields straight out of that range, which keeps a million-line
 * file to a few tens of milliseconds.
 */
final class ByteLines implements Closeable
{
    private static final int INITIAL_BUFFER = 1 << 16;
    private static final int MAX_SHOWN = 80;

    private final Path file;
    private final InputStream in;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int limit;
    private int position;
    private boolean eof;
    private int start;
    private int end;
    private int number;

    private ByteLines(final Path file, final InputStream in)
    {
        this.file = file;
        this.in = in;
    }

    /** Opens {@code file}; a missing or unreadable file is an {@link UncheckedIOException} naming it. */
    static ByteLines open(final Path file, final String what)
    {
        try
        {
            return new ByteLines(file, Files.newInputStream(file));
        }
        catch (final NoSuchFileException ex)
        {
            throw new UncheckedIOException(file + ": missing " + what, ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
    }

    /** Advances to the next line; false at the end of the file. */
    boolean next()
    {
        int scan = position;
        while (true)
        {
            while (scan < limit && buffer[scan] != '\n')
            {
                scan++;
            }
            if (scan < limit || eof)
            {
                break;
            }
            scan -= position;
            fill();
            scan += position;
        }
        if (position == limit && eof)
        {
            return false;
        }
        start = position;
        end = scan;
        position = scan < limit ? scan + 1 : scan;
        if (end > start && buffer[end - 1] == '\r')
        {
            end--;
        }
        number++;
        return true;
    }

    byte[] buffer()
    {
        return buffer;
    }

    int start()
    {
        return start;
    }

    int end()
    {
        return end;
    }

    boolean isBlank()
    {
        return start == end;
    }

    /** Position of the first tab of the current line at or after {@code from}, or {@link #end()} if none. */
    int tab(final int from)
    {
        int i = Math.min(from, end);
        while (i < end && buffer[i] != '\t')
        {
            i++;
        }
        return i;
    }

    /** Number of tab-separated fields of the current line. */
    int fields()
    {
        int count = 1;
        for (int i = start; i < end; i++)
        {
            if (buffer[i] == '\t')
            {
                count++;
            }
        }
        return count;
    }

    /** 1-based number of the current line. */
    int number()
    {
        return number;
    }

    Path file()
    {
        return file;
    }

    /** The current line as text, shortened for a message. */
    String shown()
    {
        final int length = Math.min(end - start, MAX_SHOWN);
        final String text = new String(buffer, start, length, StandardCharsets.UTF_8);
        return end - start > MAX_SHOWN ? text + "..." : text;
    }

    /** An error at the current line: {@code file:line: expected EXPECTED, found "LINE" (WHY)}. */
    IllegalArgumentException bad(final String expected, final String why)
    {
        return new IllegalArgumentException(
            file + ":" + number + ": expected " + expected + ", found \"" + shown() + "\" (" + why + ")");
    }

    @Override
    public void close()
    {
        try
        {
            in.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close " + file + ": " + ex, ex);
        }
    }

    /** Moves the unread bytes to the front (growing the buffer for a line longer than it) and reads more. */
    private void fill()
    {
        final int unread = limit - position;
        if (unread == buffer.length)
        {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        System.arraycopy(buffer, position, buffer, 0, unread);
        position = 0;
        limit = unread;
        try
        {
            final int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0)
            {
                eof = true;
            }
            else
            {
                limit += read;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
    }
}
