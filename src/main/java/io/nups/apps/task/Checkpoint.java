package io.nups.apps.task;

import io.nups.api.ParameterServer;
import io.nups.api.Worker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;

import static io.nups.apps.task.CheckpointDescriptor.*;

/**
 * Saves every key's values to one file and restores them (see {@link CheckpointDescriptor} for the layout).
 * One node does the I/O through one of its workers, pulling or setting keys in batches; the others keep
 * serving. A restore happens inside the setup phase, so replicated keys take the restored values unscaled.
 */
final class Checkpoint
{
    /** Keys per pull or set while saving and restoring. */
    private static final int BATCH_KEYS = 1024;

    private Checkpoint()
    {
    }

    /** Writes {@code directory/model.nupsckpt} atomically (a temporary file renamed at the end); returns it. */
    static Path save(final ParameterServer ps, final Worker worker, final String task, final int epochs,
        final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        final Path file = directory.resolve(FILE_NAME);
        final Path partial = directory.resolve(FILE_NAME + ".partial");
        final int numKeys = ps.numKeys();
        final byte[] name = task.getBytes(StandardCharsets.UTF_8);
        final CRC32 crc = new CRC32();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))
        {
            final ByteBuffer header = little(lengthsOffset(name.length));
            header.putLong(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, VERSION).putInt(NUM_KEYS_OFFSET, numKeys)
                .putInt(EPOCHS_OFFSET, epochs).putInt(NAME_LENGTH_OFFSET, name.length).put(NAME_OFFSET, name);
            emit(out, crc, header);
            final ByteBuffer lengths = little(numKeys * Integer.BYTES);
            for (int key = 0; key < numKeys; key++)
            {
                lengths.putInt(key * Integer.BYTES, ps.valueLength(key));
            }
            emit(out, crc, lengths);
            for (int from = 0; from < numKeys; from += BATCH_KEYS)
            {
                final int[] keys = batch(from, numKeys);
                final float[] values = new float[totalLength(ps, keys)];
                worker.waitFor(worker.pull(keys, values));
                final ByteBuffer bytes = little(values.length * Float.BYTES);
                bytes.asFloatBuffer().put(values);
                emit(out, crc, bytes);
            }
            out.write(little(CRC_BYTES).putLong(0, crc.getValue()).array());
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /**
     * Sets every key to its value in {@code file} and returns the epochs the checkpoint had trained. Checks the
     * whole file (magic, version, task, key count, every key's length, checksum) before setting anything.
     *
     * @throws IOException naming the file and what does not match
     */
    static int restore(final ParameterServer ps, final Worker worker, final String task, final Path file)
        throws IOException
    {
        final int epochs = verify(ps, task, file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16))
        {
            final int numKeys = ps.numKeys();
            in.skipNBytes(lengthsOffset(task.getBytes(StandardCharsets.UTF_8).length) + (long)numKeys * Integer.BYTES);
            for (int from = 0; from < numKeys; from += BATCH_KEYS)
            {
                final int[] keys = batch(from, numKeys);
                final float[] values = new float[totalLength(ps, keys)];
                little(readFully(in, values.length * Float.BYTES, file)).asFloatBuffer().get(values);
                worker.waitFor(worker.set(keys, values));
            }
        }
        return epochs;
    }

    private static int verify(final ParameterServer ps, final String task, final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            throw new IOException("checkpoint " + file + " does not exist (--resume takes the directory --checkpoint " +
                "wrote, holding " + FILE_NAME + ")");
        }
        final CRC32 crc = new CRC32();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16))
        {
            final ByteBuffer fixed = little(readFully(in, NAME_OFFSET, file));
            crc.update(fixed.array());
            if (fixed.getLong(MAGIC_OFFSET) != MAGIC)
            {
                throw new IOException(file + " is not a nups checkpoint (bad magic)");
            }
            if (fixed.getInt(VERSION_OFFSET) != VERSION)
            {
                throw new IOException(file + " has checkpoint version " + fixed.getInt(VERSION_OFFSET) +
                    "; this nups reads version " + VERSION);
            }
            final int nameLength = fixed.getInt(NAME_LENGTH_OFFSET);
            if (nameLength < 0 || nameLength > MAX_NAME_BYTES)
            {
                throw new IOException(file + " is corrupt: task name of " + nameLength + " bytes");
            }
            final byte[] padded = readFully(in, lengthsOffset(nameLength) - NAME_OFFSET, file);
            crc.update(padded);
            final String saved = new String(padded, 0, nameLength, StandardCharsets.UTF_8);
            if (!saved.equals(task))
            {
                throw new IOException(file + " is a checkpoint of task " + saved + ", not " + task);
            }
            final int numKeys = fixed.getInt(NUM_KEYS_OFFSET);
            if (numKeys != ps.numKeys())
            {
                throw new IOException(file + " holds " + numKeys + " keys; this model has " + ps.numKeys() +
                    " (same data and model flags as the run that wrote it?)");
            }
            final ByteBuffer lengths = little(readFully(in, numKeys * Integer.BYTES, file));
            crc.update(lengths.array());
            long floats = 0;
            for (int key = 0; key < numKeys; key++)
            {
                final int length = lengths.getInt(key * Integer.BYTES);
                if (length != ps.valueLength(key))
                {
                    throw new IOException(file + ": key " + key + " has " + length + " values; this model has " +
                        ps.valueLength(key) + " (same model flags as the run that wrote it?)");
                }
                floats += length;
            }
            final byte[] chunk = new byte[1 << 16];
            for (long left = floats * Float.BYTES; left > 0; )
            {
                final int n = in.read(chunk, 0, (int)Math.min(chunk.length, left));
                if (n < 0)
                {
                    throw new IOException(file + " is truncated: " + left + " bytes of values missing");
                }
                crc.update(chunk, 0, n);
                left -= n;
            }
            final long stored = little(readFully(in, CRC_BYTES, file)).getLong(0);
            if (stored != crc.getValue())
            {
                throw new IOException(file + " is corrupt: checksum " + Long.toHexString(crc.getValue()) +
                    " does not match the stored " + Long.toHexString(stored));
            }
            if (in.read() >= 0)
            {
                throw new IOException(file + " has bytes after its checksum");
            }
            return fixed.getInt(EPOCHS_OFFSET);
        }
    }

    private static int[] batch(final int from, final int numKeys)
    {
        final int[] keys = new int[Math.min(BATCH_KEYS, numKeys - from)];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = from + i;
        }
        return keys;
    }

    private static int totalLength(final ParameterServer ps, final int[] keys)
    {
        int total = 0;
        for (final int key : keys)
        {
            total += ps.valueLength(key);
        }
        return total;
    }

    private static void emit(final OutputStream out, final CRC32 crc, final ByteBuffer bytes) throws IOException
    {
        out.write(bytes.array());
        crc.update(bytes.array());
    }

    private static byte[] readFully(final InputStream in, final int bytes, final Path file) throws IOException
    {
        final byte[] read = in.readNBytes(bytes);
        if (read.length != bytes)
        {
            throw new IOException(file + " is truncated");
        }
        return read;
    }

    private static ByteBuffer little(final int bytes)
    {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer little(final byte[] bytes)
    {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
