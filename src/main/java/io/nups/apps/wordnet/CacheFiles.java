package io.nups.apps.wordnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The stamp of a cache entry: a directory's files with their sizes and CRC-32s, under a version line. A
 * directory whose files do not match its stamp, or whose version differs, is not used.
 */
final class CacheFiles
{
    static final String STAMP = "stamp.txt";

    private CacheFiles()
    {
    }

    /** Writes the stamp of every other file of {@code dir}, last, so a half-written entry has none. */
    static void stamp(final Path dir, final String version)
    {
        final StringBuilder text = new StringBuilder(version).append('\n');
        for (final Path file : files(dir))
        {
            text.append(file.getFileName()).append('\t').append(size(file)).append('\t')
                .append(Long.toHexString(crc(file))).append('\n');
        }
        try
        {
            Files.writeString(dir.resolve(STAMP), text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + dir.resolve(STAMP) + ": " + ex, ex);
        }
    }

    /**
     * Checks {@code dir} against its stamp.
     *
     * @throws IllegalArgumentException naming the first mismatch: no stamp, another version, or a file that is
     *                                  missing, extra, or differs in size or checksum
     */
    static void verify(final Path dir, final String version)
    {
        final Path stamp = dir.resolve(STAMP);
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(stamp, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("no readable " + stamp + " (" + ex + ")", ex);
        }
        if (lines.isEmpty() || !lines.get(0).equals(version))
        {
            throw new IllegalArgumentException(stamp + " is of version \"" + (lines.isEmpty() ? "" : lines.get(0)) +
                "\", expected \"" + version + "\"");
        }
        final List<Path> files = files(dir);
        if (files.size() != lines.size() - 1)
        {
            throw new IllegalArgumentException(dir + " holds " + files.size() + " files, " + stamp + " lists " +
                (lines.size() - 1));
        }
        for (int i = 1; i < lines.size(); i++)
        {
            final String[] fields = lines.get(i).split("\t");
            if (fields.length != 3)
            {
                throw new IllegalArgumentException(stamp + ":" + (i + 1) + ": expected \"file<TAB>size<TAB>crc32\"");
            }
            final Path file = dir.resolve(fields[0]);
            if (!Files.isRegularFile(file) || !String.valueOf(size(file)).equals(fields[1]) ||
                !Long.toHexString(crc(file)).equals(fields[2]))
            {
                throw new IllegalArgumentException(file + " is missing or differs from " + stamp);
            }
        }
    }

    /** Deletes {@code dir} and everything in it, if it exists. */
    static void delete(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted((a, b) -> b.compareTo(a)).toList())
            {
                Files.delete(path);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + dir + ": " + ex, ex);
        }
    }

    private static List<Path> files(final Path dir)
    {
        try (Stream<Path> paths = Files.list(dir))
        {
            return new ArrayList<>(paths.filter(path -> !path.getFileName().toString().equals(STAMP)).sorted().toList());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + dir + ": " + ex, ex);
        }
    }

    private static long size(final Path file)
    {
        try
        {
            return Files.size(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
    }

    private static long crc(final Path file)
    {
        final CRC32 crc = new CRC32();
        try
        {
            crc.update(Files.readAllBytes(file));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
        return crc.getValue();
    }
}
