package io.nups.apps.kge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Names to dense ids in order of first appearance: id 0 is the first name added, and so on. Looks names up
 * straight from a byte range of a line (UTF-8), so a repeated name costs a hash and a compare, no String.
 */
final class IdMap
{
    private static final int EMPTY = -1;

    private final List<String> names = new ArrayList<>();
    private byte[] bytes = new byte[1 << 12];
    private int bytesUsed;
    private int[] hashes = new int[1 << 8];
    private int[] offsets = new int[hashes.length + 1];
    private int[] slots = newSlots(1 << 9);

    /** Number of names, i.e. the next id. */
    int size()
    {
        return names.size();
    }

    /** The names by id (a copy). */
    List<String> names()
    {
        return List.copyOf(names);
    }

    /** The id of the name in {@code source[from, to)}, giving it the next id if it is new. */
    int idOf(final byte[] source, final int from, final int to)
    {
        final int hash = hash(source, from, to);
        final int mask = slots.length - 1;
        int slot = hash & mask;
        for (; slots[slot] != EMPTY; slot = (slot + 1) & mask)
        {
            final int id = slots[slot];
            if (hashes[id] == hash && equal(id, source, from, to))
            {
                return id;
            }
        }
        final int id = names.size();
        append(source, from, to, hash);
        slots[slot] = id;
        if (2 * names.size() > slots.length)
        {
            rehash();
        }
        return id;
    }

    private void append(final byte[] source, final int from, final int to, final int hash)
    {
        final int id = names.size();
        final int length = to - from;
        if (bytesUsed + length > bytes.length)
        {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, bytesUsed + length));
        }
        System.arraycopy(source, from, bytes, bytesUsed, length);
        if (id == hashes.length)
        {
            hashes = Arrays.copyOf(hashes, id * 2);
            offsets = Arrays.copyOf(offsets, id * 2 + 1);
        }
        offsets[id] = bytesUsed;
        bytesUsed += length;
        offsets[id + 1] = bytesUsed;
        hashes[id] = hash;
        names.add(new String(source, from, length, StandardCharsets.UTF_8));
    }

    private boolean equal(final int id, final byte[] source, final int from, final int to)
    {
        return Arrays.equals(bytes, offsets[id], offsets[id + 1], source, from, to);
    }

    private void rehash()
    {
        slots = newSlots(slots.length * 2);
        final int mask = slots.length - 1;
        for (int id = 0; id < names.size(); id++)
        {
            int slot = hashes[id] & mask;
            while (slots[slot] != EMPTY)
            {
                slot = (slot + 1) & mask;
            }
            slots[slot] = id;
        }
    }

    private static int[] newSlots(final int size)
    {
        final int[] slots = new int[size];
        Arrays.fill(slots, EMPTY);
        return slots;
    }

    private static int hash(final byte[] source, final int from, final int to)
    {
        int hash = 0x811c9dc5;
        for (int i = from; i < to; i++)
        {
            hash = (hash ^ source[i]) * 0x01000193; // FNV-1a
        }
        return hash ^ (hash >>> 16);
    }
}
