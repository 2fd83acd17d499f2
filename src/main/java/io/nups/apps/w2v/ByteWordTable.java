package io.nups.apps.w2v;

import java.util.Arrays;

/**
 * Open-addressing hash table from a word's bytes to a dense id in insertion order, so that tokenizing never
 * makes a String per token: only a word seen for the first time is decoded.
 */
final class ByteWordTable
{
    private static final int EMPTY = -1;

    private byte[] pool = new byte[1 << 16];
    private int poolUsed;
    private int[] offsets = new int[1 << 10];
    private int[] lengths = new int[1 << 10];
    private int[] hashes = new int[1 << 10];
    private int size;
    private int[] slots = emptySlots(1 << 11);

    /** Number of distinct words. */
    int size()
    {
        return size;
    }

    /** The id of {@code bytes[0, length)} with hash {@code hash}, or -1 if absent. */
    int find(final byte[] bytes, final int length, final int hash)
    {
        final int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            final int id = slots[slot];
            if (id == EMPTY)
            {
                return -1;
            }
            if (hashes[id] == hash && lengths[id] == length &&
                Arrays.equals(pool, offsets[id], offsets[id] + length, bytes, 0, length))
            {
                return id;
            }
        }
    }

    /** Adds a word known to be absent and returns its id. */
    int add(final byte[] bytes, final int length, final int hash)
    {
        if (size == offsets.length)
        {
            offsets = Arrays.copyOf(offsets, size * 2);
            lengths = Arrays.copyOf(lengths, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        if (poolUsed + length > pool.length)
        {
            pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolUsed + length));
        }
        System.arraycopy(bytes, 0, pool, poolUsed, length);
        final int id = size++;
        offsets[id] = poolUsed;
        lengths[id] = length;
        hashes[id] = hash;
        poolUsed += length;
        if (size * 2 > slots.length)
        {
            rehash(slots.length * 2);
        }
        else
        {
            insert(id);
        }
        return id;
    }

    private void rehash(final int capacity)
    {
        slots = emptySlots(capacity);
        for (int id = 0; id < size; id++)
        {
            insert(id);
        }
    }

    private void insert(final int id)
    {
        final int mask = slots.length - 1;
        int slot = hashes[id] & mask;
        while (slots[slot] != EMPTY)
        {
            slot = (slot + 1) & mask;
        }
        slots[slot] = id;
    }

    private static int[] emptySlots(final int capacity)
    {
        final int[] fresh = new int[capacity];
        Arrays.fill(fresh, EMPTY);
        return fresh;
    }

    /** Spreads a polynomial hash over the low bits used for slots. */
    static int mix(final int hash)
    {
        final int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
