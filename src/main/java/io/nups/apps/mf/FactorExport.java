package io.nups.apps.mf;

import io.nups.api.Worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes trained factors as {@code row_factors.f32} (rows x rank) and {@code col_factors.f32} (cols x rank):
 * each a one-line JSON header ({@code {"rows":..,"cols":..,"dtype":"float32","order":"row-major",
 * "byteOrder":"little"}}) ended by a newline, then the matrix's float32 values.
 */
final class FactorExport
{
    static final String ROW_FILE = "row_factors.f32";
    static final String COL_FILE = "col_factors.f32";
    private static final int KEYS_PER_WRITE = 1024;

    private FactorExport()
    {
    }

    static void write(final Worker worker, final MfKeys keys, final int rows, final int cols, final int rank,
        final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        writeMatrix(worker, directory.resolve(ROW_FILE), keys.rowKey(0), rows, rank);
        writeMatrix(worker, directory.resolve(COL_FILE), keys.colKey(0), cols, rank);
    }

    /** The JSON header line of a {@code count x rank} factor file. */
    static String header(final int count, final int rank)
    {
        return "{\"rows\":" + count + ",\"cols\":" + rank +
            ",\"dtype\":\"float32\",\"order\":\"row-major\",\"byteOrder\":\"little\"}\n";
    }

    private static void writeMatrix(final Worker worker, final Path file, final int firstKey, final int count,
        final int rank) throws IOException
    {
        final float[] factor = new float[rank];
        final ByteBuffer buffer = ByteBuffer.allocate(4 * rank * KEYS_PER_WRITE).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            writeFully(channel, ByteBuffer.wrap(header(count, rank).getBytes(StandardCharsets.US_ASCII)));
            for (int i = 0; i < count; i++)
            {
                worker.waitFor(worker.pull(firstKey + i, factor));
                for (final float value : factor)
                {
                    buffer.putFloat(value);
                }
                if (!buffer.hasRemaining() || i == count - 1)
                {
                    writeFully(channel, buffer.flip());
                    buffer.clear();
                }
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
