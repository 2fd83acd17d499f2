package io.nups.store;

import org.agrona.UnsafeApi;

/**
 * Key to slot address, one off-heap {@code long} per key of the key space (0 = not held here). Sized for
 * the whole key space at start, so no per-key objects exist; entries are published with release
 * semantics after the slot is written.
 */
final class SlotIndex implements AutoCloseable
{
    private final long base;
    private final int numKeys;
    private boolean closed;

    SlotIndex(final int numKeys)
    {
        this.numKeys = numKeys;
        final long bytes = 8L * numKeys;
        this.base = UnsafeApi.allocateMemory(bytes);
        UnsafeApi.setMemory(base, bytes, (byte)0);
    }

    long bytes()
    {
        return 8L * numKeys;
    }

    long get(final int key)
    {
        return UnsafeApi.getLongAcquire(null, base + 8L * key);
    }

    void publish(final int key, final long slotAddress)
    {
        UnsafeApi.putLongRelease(null, base + 8L * key, slotAddress);
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            UnsafeApi.freeMemory(base);
        }
    }
}
