package io.nups.apps.mf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads MatrixMarket coordinate files ({@code .mmc}, reference §5.3) through a binary cache: the first read
 * parses the text and writes the entries as arrays, later reads load those arrays. The cache is versioned,
 * carries the source's size and modification time and a checksum, and is rebuilt (with a log line) when any
 * of them does not match: a changed source or a damaged cache never yields stale data.
 *
 * <p>Malformed text is an {@link IllegalArgumentException} naming file:line, what was expected and what was
 * found; an unreadable file is an {@link UncheckedIOException} naming it.
 */
public final class MatrixMarket
{
    /** Suffix of a cache file; the reference's own {@code .bin} cache has another layout, hence another name. */
    public static final String CACHE_SUFFIX = ".nups-cache";
    static final long MAGIC = 0x4e55505343454c4cL; // "NUPSCELL"
    static final int VERSION = 1;
    /** magic, version, source size, source mtime, rows, cols, entries. */
    static final int HEADER_BYTES = 8 + 4 + 8 + 8 + 4 + 4 + 4;
    private static final int CHUNK_ENTRIES = 1 << 18;

    private MatrixMarket()
    {
    }

    /** Parses {@code file} without any cache. */
    public static CoordinateMatrix parse(final Path file)
    {
        try
        {
            return MatrixMarketParser.parse(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new UncheckedIOException(file + ": no such file", ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    /**
     * The matrix in {@code file}, from its cache when that is current, else parsed and cached.
     *
     * @param file     the {@code .mmc} file
     * @param cacheDir directory for the cache, or null for next to the file
     * @param log      receives a line when a cache is written, or found stale or damaged and rebuilt
     */
    public static CoordinateMatrix read(final Path file, final Path cacheDir, final Consumer<String> log)
    {
        final BasicFileAttributes source;
        try
        {
            source = Files.readAttributes(file, BasicFileAttributes.class);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot read: " + (ex instanceof NoSuchFileException ?
                "no such file" : ex.getMessage()), ex);
        }
        final Path cache = cacheFile(file, cacheDir);
        final long size = source.size();
        final long modified = source.lastModifiedTime().toMillis();
        if (Files.exists(cache))
        {
            try
            {
                return readCache(cache, size, modified);
            }
            catch (final IOException | IllegalStateException ex)
            {
                log.accept("cache " + cache + " is not usable (" + ex.getMessage() + "): rebuilding it from " + file);
            }
        }
        final CoordinateMatrix matrix = parse(file);
        try
        {
            writeCache(cache, matrix, size, modified);
            log.accept("cached " + matrix.cells().size() + " entries of " + file + " in " + cache);
        }
        catch (final IOException ex)
        {
            log.accept("cannot write the cache " + cache + " (" + ex + "): reading the text again next time");
        }
        return matrix;
    }

    /** Where {@link #read} keeps the cache of {@code file}. */
    public static Path cacheFile(final Path file, final Path cacheDir)
    {
        final String name = file.getFileName() + CACHE_SUFFIX;
        if (cacheDir == null)
        {
            return file.resolveSibling(name);
        }
        // Files of the same name from different directories must not share a cache.
        final String where = Integer.toHexString(file.toAbsolutePath().normalize().toString().hashCode());
        return cacheDir.resolve(file.getFileName() + "-" + where + CACHE_SUFFIX);
    }

    private static CoordinateMatrix readCache(final Path cache, final long sourceSize, final long sourceModified)
        throws IOException
    {
        try (FileChannel channel = FileChannel.open(cache, StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header);
            header.flip();
            if (header.getLong() != MAGIC)
            {
                throw new IllegalStateException("not a nups cache file");
            }
            final int version = header.getInt();
            if (version != VERSION)
            {
                throw new IllegalStateException("cache version " + version + ", this nups writes " + VERSION);
            }
            if (header.getLong() != sourceSize || header.getLong() != sourceModified)
            {
                throw new IllegalStateException("the source changed since it was cached");
            }
            final int rows = header.getInt();
            final int cols = header.getInt();
            final int entries = header.getInt();
            if (rows < 1 || cols < 1 || entries < 0 || channel.size() != HEADER_BYTES + 12L * entries + 8)
            {
                throw new IllegalStateException("damaged: " + channel.size() + " bytes for " + entries + " entries");
            }
            final CRC32C crc = new CRC32C();
            final ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_ENTRIES).order(ByteOrder.LITTLE_ENDIAN);
            final int[] rowIndex = readInts(channel, chunk, crc, entries);
            final int[] colIndex = readInts(channel, chunk, crc, entries);
            final float[] values = readFloats(channel, chunk, crc, entries);
            final ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, trailer);
            if (trailer.flip().getLong() != crc.getValue())
            {
                throw new IllegalStateException("damaged: checksum mismatch");
            }
            checkRange(rowIndex, rows, "row");
            checkRange(colIndex, cols, "column");
            return new CoordinateMatrix(rows, cols, new Cells(rowIndex, colIndex, values));
        }
    }

    private static void writeCache(final Path cache, final CoordinateMatrix matrix, final long sourceSize,
        final long sourceModified) throws IOException
    {
        final Path directory = cache.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        // Written aside and moved in place: a node reading concurrently never sees half a cache.
        final Path temporary = Files.createTempFile(directory, cache.getFileName().toString(), ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE))
            {
                final Cells cells = matrix.cells();
                final int entries = cells.size();
                final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                header.putLong(MAGIC).putInt(VERSION).putLong(sourceSize).putLong(sourceModified)
                    .putInt(matrix.rows()).putInt(matrix.cols()).putInt(entries);
                writeFully(channel, header.flip());
                final CRC32C crc = new CRC32C();
                final ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_ENTRIES).order(ByteOrder.LITTLE_ENDIAN);
                for (int array = 0; array < 3; array++)
                {
                    for (int from = 0; from < entries; from += CHUNK_ENTRIES)
                    {
                        chunk.clear();
                        final int to = Math.min(entries, from + CHUNK_ENTRIES);
                        for (int i = from; i < to; i++)
                        {
                            if (array == 0)
                            {
                                chunk.putInt(cells.row(i));
                            }
                            else if (array == 1)
                            {
                                chunk.putInt(cells.col(i));
                            }
                            else
                            {
                                chunk.putFloat(cells.value(i));
                            }
                        }
                        chunk.flip();
                        crc.update(chunk.duplicate());
                        writeFully(channel, chunk);
                    }
                }
                writeFully(channel, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(crc.getValue()).flip());
            }
            try
            {
                Files.move(temporary, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temporary, cache, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        finally
        {
            Files.deleteIfExists(temporary);
        }
    }

    private static int[] readInts(final FileChannel channel, final ByteBuffer chunk, final CRC32C crc,
        final int entries) throws IOException
    {
        final int[] values = new int[entries];
        for (int from = 0; from < entries; from += CHUNK_ENTRIES)
        {
            final int count = Math.min(CHUNK_ENTRIES, entries - from);
            readChunk(channel, chunk, crc, count).asIntBuffer().get(values, from, count);
        }
        return values;
    }

    private static float[] readFloats(final FileChannel channel, final ByteBuffer chunk, final CRC32C crc,
        final int entries) throws IOException
    {
        final float[] values = new float[entries];
        for (int from = 0; from < entries; from += CHUNK_ENTRIES)
        {
            final int count = Math.min(CHUNK_ENTRIES, entries - from);
            readChunk(channel, chunk, crc, count).asFloatBuffer().get(values, from, count);
        }
        return values;
    }

    private static ByteBuffer readChunk(final FileChannel channel, final ByteBuffer chunk, final CRC32C crc,
        final int count) throws IOException
    {
        chunk.clear().limit(4 * count);
        readFully(channel, chunk);
        chunk.flip();
        crc.update(chunk.duplicate());
        return chunk;
    }

    private static void checkRange(final int[] indices, final int size, final String what)
    {
        for (final int index : indices)
        {
            if (index < 0 || index >= size)
            {
                throw new IllegalStateException("damaged: " + what + " index " + index + " outside 0.." + (size - 1));
            }
        }
    }

    private static void readFully(final FileChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer) < 0)
            {
                throw new IllegalStateException("damaged: ends early");
            }
        }
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer) throws IOException
    {
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
    }
}
