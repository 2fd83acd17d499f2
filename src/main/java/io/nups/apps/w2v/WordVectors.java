package io.nups.apps.w2v;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Word vectors in word2vec's file formats. Text: a header line {@code "V D"}, then per word {@code "word v1 ... vD"}.
 * Binary (word2vec's {@code -binary 1}): the same header line, then per word the word, a space, D little-endian
 * float32 and a newline.
 *
 * @param words  the words in file order
 * @param dim    floats per vector
 * @param values the vectors concatenated in word order (length {@code words.size() · dim})
 */
public record WordVectors(List<String> words, int dim, float[] values)
{
    public WordVectors
    {
        words = List.copyOf(words);
        if (dim < 1 || values.length != (long)words.size() * dim)
        {
            throw new IllegalArgumentException(words.size() + " words of dimension " + dim + " need " +
                (long)words.size() * dim + " values, got " + values.length);
        }
    }

    /** A copy of the vector of the {@code index}-th word. */
    public float[] vector(final int index)
    {
        return java.util.Arrays.copyOfRange(values, index * dim, (index + 1) * dim);
    }

    /** Writes word2vec's text format; floats are written so that they read back exactly. */
    public void writeText(final Path file) throws IOException
    {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            out.write(words.size() + " " + dim + "\n");
            final StringBuilder line = new StringBuilder();
            for (int w = 0; w < words.size(); w++)
            {
                line.setLength(0);
                line.append(words.get(w));
                for (int i = 0; i < dim; i++)
                {
                    line.append(' ').append(values[w * dim + i]);
                }
                out.write(line.append('\n').toString());
            }
        }
    }

    /** Writes word2vec's binary format. */
    public void writeBinary(final Path file) throws IOException
    {
        final ByteBuffer vector = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))
        {
            out.write((words.size() + " " + dim + "\n").getBytes(StandardCharsets.UTF_8));
            for (int w = 0; w < words.size(); w++)
            {
                out.write(words.get(w).getBytes(StandardCharsets.UTF_8));
                out.write(' ');
                vector.clear();
                vector.asFloatBuffer().put(values, w * dim, dim);
                out.write(vector.array());
                out.write('\n');
            }
        }
    }

    /**
     * Reads word2vec's text format.
     *
     * @throws IOException naming file and line when the header or a line is malformed
     */
    public static WordVectors readText(final Path file) throws IOException
    {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            final int[] header = header(file, in.readLine());
            final List<String> words = new ArrayList<>(header[0]);
            final float[] values = new float[header[0] * header[1]];
            for (int w = 0; w < header[0]; w++)
            {
                final String line = in.readLine();
                final int lineNumber = w + 2;
                if (line == null)
                {
                    throw new IOException(file + ":" + lineNumber + ": file ends after " + w + " of " + header[0] +
                        " words");
                }
                final String[] fields = line.trim().split(" ");
                if (fields.length != header[1] + 1)
                {
                    throw new IOException(file + ":" + lineNumber + ": expected a word and " + header[1] +
                        " numbers, got " + fields.length + " fields");
                }
                words.add(fields[0]);
                for (int i = 0; i < header[1]; i++)
                {
                    try
                    {
                        values[w * header[1] + i] = Float.parseFloat(fields[i + 1]);
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw new IOException(file + ":" + lineNumber + ": value " + (i + 1) + " '" + fields[i + 1] +
                            "' is not a number", ex);
                    }
                }
            }
            return new WordVectors(words, header[1], values);
        }
    }

    /**
     * Reads word2vec's binary format.
     *
     * @throws IOException naming the file and word when the header is malformed or the file ends early
     */
    public static WordVectors readBinary(final Path file) throws IOException
    {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16)))
        {
            final int[] header = header(file, readUntil(in, '\n'));
            final List<String> words = new ArrayList<>(header[0]);
            final float[] values = new float[header[0] * header[1]];
            final byte[] bytes = new byte[header[1] * Float.BYTES];
            final ByteBuffer vector = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int w = 0; w < header[0]; w++)
            {
                final String word = readUntil(in, ' ');
                if (word == null)
                {
                    throw new IOException(file + ": file ends after " + w + " of " + header[0] + " words");
                }
                words.add(word.strip()); // word2vec's own reader skips the newline before a word the same way
                try
                {
                    in.readFully(bytes);
                }
                catch (final EOFException ex)
                {
                    throw new IOException(file + ": vector of word " + (w + 1) + " '" + word.strip() + "' is cut " +
                        "short", ex);
                }
                vector.clear();
                vector.asFloatBuffer().get(values, w * header[1], header[1]);
            }
            return new WordVectors(words, header[1], values);
        }
    }

    private static int[] header(final Path file, final String line) throws IOException
    {
        final String[] fields = line == null ? new String[0] : line.trim().split(" ");
        try
        {
            if (fields.length == 2)
            {
                final int words = Integer.parseInt(fields[0]);
                final int dim = Integer.parseInt(fields[1]);
                if (words >= 0 && dim >= 1 && (long)words * dim <= Integer.MAX_VALUE - 8)
                {
                    return new int[] {words, dim};
                }
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new IOException(file + ":1: expected a header 'words dimension' (two positive integers), got '" +
            line + "'");
    }

    /** Bytes up to (not including) {@code stop} as UTF-8, or null at the end of the file. */
    private static String readUntil(final InputStream in, final char stop) throws IOException
    {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != stop)
        {
            bytes.write(b);
        }
        return b < 0 && bytes.size() == 0 ? null : bytes.toString(StandardCharsets.UTF_8);
    }
}
