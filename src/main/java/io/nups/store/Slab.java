package io.nups.store;

import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One contiguous, page-aligned region of parameter memory, allocated once and never moved, so that a
 * transport can register it (RDMA memory region, shared-memory mapping) for one-sided access.
 *
 * <p>Backed either by anonymous off-heap memory or by a file mapping (e.g. under {@code /dev/shm}) that
 * peers on the same host can map too. Neither counts against {@code -XX:MaxDirectMemorySize}: slabs are
 * accounted by the store itself.
 */
public final class Slab implements AutoCloseable
{
    /** Page alignment: what memory registration and mapping work in. */
    public static final int ALIGNMENT = 4096;

    /** Largest slab: registration lengths and buffer indices are {@code int}. */
    public static final int MAX_LENGTH = Integer.MAX_VALUE & -ALIGNMENT;

    private final int id;
    private final int length;
    private final long rawAddress;
    private final MappedByteBuffer mapping;
    private final Path file;
    private final UnsafeBuffer buffer;
    private boolean closed;

    private Slab(
        final int id, final int length, final long rawAddress, final long address, final MappedByteBuffer mapping,
        final Path file)
    {
        this.id = id;
        this.length = length;
        this.rawAddress = rawAddress;
        this.mapping = mapping;
        this.file = file;
        this.buffer = new UnsafeBuffer(address, length);
    }

    /** Allocates {@code length} bytes of zeroed, page-aligned off-heap memory. */
    public static Slab allocate(final int id, final int length)
    {
        checkLength(length);
        final long raw = UnsafeApi.allocateMemory((long)length + ALIGNMENT);
        final long address = (raw + ALIGNMENT - 1) & -ALIGNMENT;
        UnsafeApi.setMemory(address, length, (byte)0);
        return new Slab(id, length, raw, address, null, null);
    }

    /**
     * Creates and maps a new file of {@code length} zero bytes. An existing file is refused, since it is
     * either another live node's or a crashed run's.
     */
    public static Slab mapNewFile(final int id, final int length, final Path file)
    {
        checkLength(length);
        if (Files.exists(file))
        {
            throw new IllegalStateException("slab file " + file + " already exists: another node is using it, " +
                "or a crashed run left it behind (remove it if no nups process is running)");
        }
        try
        {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create directory for slab file " + file, ex);
        }
        final MappedByteBuffer mapping = IoUtil.mapNewFile(file.toFile(), length, false);
        return new Slab(id, length, 0, BufferUtil.address(mapping), mapping, file);
    }

    private static void checkLength(final int length)
    {
        if (length <= 0 || length % ALIGNMENT != 0 || length > MAX_LENGTH)
        {
            throw new IllegalArgumentException("slab length " + length + " must be a positive multiple of " +
                ALIGNMENT + " and at most " + MAX_LENGTH);
        }
    }

    public int id()
    {
        return id;
    }

    public int length()
    {
        return length;
    }

    /** Base address; stable for the slab's life. */
    public long address()
    {
        return buffer.addressOffset();
    }

    /** The mapped file, or null for anonymous memory. */
    public Path file()
    {
        return file;
    }

    /** A view of the whole slab. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    public boolean contains(final long address, final int bytes)
    {
        final long base = buffer.addressOffset();
        return address >= base && bytes >= 0 && address + bytes <= base + length;
    }

    /** Frees the memory (and deletes a mapped file). Idempotent; the slab must no longer be accessed. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (mapping != null)
        {
            IoUtil.unmap(mapping);
            IoUtil.deleteIfExists(file.toFile());
        }
        else
        {
            UnsafeApi.freeMemory(rawAddress);
        }
    }
}
