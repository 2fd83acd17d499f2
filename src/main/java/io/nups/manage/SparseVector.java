package io.nups.manage;

import io.nups.store.KeyLayout;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * Sorted distinct keys, each with {@code layout.length(key)} float values, stored contiguously in one
 * growable array: entry {@code i} holds {@code values()[valueOffset(i), valueOffset(i) + valueLength(i))}.
 * The arrays are kept across {@link #clear()}, so a vector allocates only while it grows to its largest
 * content. One thread at a time.
 */
final class SparseVector
{
    private static final int INITIAL_ENTRIES = 16;

    private final KeyLayout layout;
    private int[] keys = new int[INITIAL_ENTRIES];
    /** offsets[i] is where entry i's values start; offsets[size] is where the next entry's would. */
    private int[] offsets = new int[INITIAL_ENTRIES + 1];
    private float[] values = new float[INITIAL_ENTRIES];
    private int size;

    SparseVector(final KeyLayout layout)
    {
        this.layout = layout;
    }

    void clear()
    {
        size = 0;
    }

    int size()
    {
        return size;
    }

    int key(final int i)
    {
        return keys[i];
    }

    /** Where entry {@code i}'s values start in {@link #values()}. */
    int valueOffset(final int i)
    {
        return offsets[i];
    }

    /** Number of values of entry {@code i}, which is {@code layout.length(key(i))}. */
    int valueLength(final int i)
    {
        return offsets[i + 1] - offsets[i];
    }

    /** The backing array; valid until the next append or merge grows it. */
    float[] values()
    {
        return values;
    }

    /** Appends {@code key} with {@code src[srcOffset, srcOffset + layout.length(key))}. */
    void append(final int key, final float[] src, final int srcOffset)
    {
        final int at = open(key);
        System.arraycopy(src, srcOffset, values, at, offsets[size] - at);
    }

    /** Appends {@code key} with the floats at {@code src[srcOffset, ...)}, as written by {@code putFloat}. */
    void append(final int key, final DirectBuffer src, final int srcOffset)
    {
        final int at = open(key);
        final int end = offsets[size];
        for (int v = at, from = srcOffset; v < end; v++, from += 4)
        {
            values[v] = src.getFloat(from);
        }
    }

    /**
     * This := {@code a + b}: a sorted merge that sums the values of keys in both element-wise as
     * {@code a + b}. Both must follow this vector's layout and neither may be this vector.
     */
    void sumOf(final SparseVector a, final SparseVector b)
    {
        if (a == this || b == this)
        {
            throw new IllegalArgumentException("a sparse vector cannot be the sum of itself and another");
        }
        size = 0;
        ensureCapacity(a.size + b.size, a.offsets[a.size] + b.offsets[b.size]);
        int i = 0;
        int j = 0;
        int at = 0;
        while (i < a.size || j < b.size)
        {
            if (j == b.size || (i < a.size && a.keys[i] < b.keys[j]))
            {
                at = copyEntry(a, i++, at);
            }
            else if (i == a.size || b.keys[j] < a.keys[i])
            {
                at = copyEntry(b, j++, at);
            }
            else
            {
                final int length = a.valueLength(i);
                if (length != b.valueLength(j))
                {
                    throw new IllegalArgumentException("key " + a.keys[i] + " has " + length + " values in one " +
                        "vector and " + b.valueLength(j) + " in the other: the vectors follow different layouts");
                }
                final int fromA = a.offsets[i];
                final int fromB = b.offsets[j];
                for (int v = 0; v < length; v++)
                {
                    values[at + v] = a.values[fromA + v] + b.values[fromB + v];
                }
                keys[size++] = a.keys[i];
                at += length;
                offsets[size] = at;
                i++;
                j++;
            }
        }
    }

    /** True if both hold the same keys with bitwise-identical values. */
    boolean contentEquals(final SparseVector other)
    {
        if (size != other.size)
        {
            return false;
        }
        for (int i = 0; i < size; i++)
        {
            if (keys[i] != other.keys[i] || offsets[i + 1] != other.offsets[i + 1])
            {
                return false;
            }
        }
        for (int v = 0, end = offsets[size]; v < end; v++)
        {
            if (Float.floatToRawIntBits(values[v]) != Float.floatToRawIntBits(other.values[v]))
            {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the entries on the wire: a key and its float values each (see {@link SyncMessageDescriptor}). */
    int payloadBytes()
    {
        return SyncMessageDescriptor.ENTRY_VALUES_OFFSET * size + Float.BYTES * offsets[size];
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(keys[i]).append('=')
                .append(Arrays.toString(Arrays.copyOfRange(values, offsets[i], offsets[i + 1])));
        }
        return sb.append('}').toString();
    }

    /** Adds an entry for {@code key} with room for its values; returns where they go. */
    private int open(final int key)
    {
        layout.checkKey(key);
        if (size > 0 && key <= keys[size - 1])
        {
            throw new IllegalArgumentException("key " + key + " appended after key " + keys[size - 1] +
                ": keys must be appended in strictly increasing order");
        }
        final int at = offsets[size];
        final int end = at + layout.length(key);
        ensureCapacity(size + 1, end);
        keys[size++] = key;
        offsets[size] = end;
        return at;
    }

    private int copyEntry(final SparseVector from, final int i, final int at)
    {
        final int length = from.valueLength(i);
        System.arraycopy(from.values, from.offsets[i], values, at, length);
        keys[size++] = from.keys[i];
        offsets[size] = at + length;
        return at + length;
    }

    /** Grows (by at least half) so that {@code entries} entries with {@code floats} values in all fit. */
    private void ensureCapacity(final int entries, final int floats)
    {
        if (entries > keys.length)
        {
            final int capacity = Math.max(entries, keys.length + (keys.length >> 1));
            keys = Arrays.copyOf(keys, capacity);
            offsets = Arrays.copyOf(offsets, capacity + 1);
        }
        if (floats > values.length)
        {
            values = Arrays.copyOf(values, Math.max(floats, values.length + (values.length >> 1)));
        }
    }
}
