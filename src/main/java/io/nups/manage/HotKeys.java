package io.nups.manage;

import java.util.Arrays;
import java.util.Locale;

/**
 * The replicated ("hot") keys of a key space {@code [0, numKeys)}: immutable, sorted, free of duplicates,
 * each key checked against the key space. Membership is one bit test, so it can sit on the worker fast path.
 */
public final class HotKeys
{
    private final int numKeys;
    private final int[] keys;
    private final long[] bits;

    private HotKeys(final int numKeys, final int[] sortedUniqueKeys)
    {
        this.numKeys = numKeys;
        this.keys = sortedUniqueKeys;
        this.bits = new long[(numKeys + 63) >>> 6];
        for (final int key : sortedUniqueKeys)
        {
            bits[key >>> 6] |= 1L << key;
        }
    }

    /** The given keys, sorted and without duplicates; every key must lie in {@code [0, numKeys)}. */
    public static HotKeys of(final int numKeys, final int... keys)
    {
        checkNumKeys(numKeys);
        final int[] sorted = keys.clone();
        Arrays.sort(sorted);
        int unique = 0;
        for (int i = 0; i < sorted.length; i++)
        {
            final int key = sorted[i];
            if (key < 0 || key >= numKeys)
            {
                throw new IllegalArgumentException(
                    "replicated key " + key + " is out of range [0, " + numKeys + ")");
            }
            if (unique == 0 || sorted[unique - 1] != key)
            {
                sorted[unique++] = key;
            }
        }
        return new HotKeys(numKeys, Arrays.copyOf(sorted, unique));
    }

    /** No replicated keys. */
    public static HotKeys none(final int numKeys)
    {
        checkNumKeys(numKeys);
        return new HotKeys(numKeys, new int[0]);
    }

    /**
     * The {@code n} keys with the highest counts; equal counts prefer the lower key. Keys counted zero times
     * are never chosen, so asking for more keys than were counted takes all counted keys.
     *
     * @param countsByKey accesses per key; its length is the number of keys
     */
    public static HotKeys topN(final long[] countsByKey, final int n)
    {
        if (n < 0)
        {
            throw new IllegalArgumentException("number of replicated keys must be >= 0, got " + n);
        }
        // a heap of the best n so far with the worst on top: O(numKeys log n), no boxing
        final int[] heap = new int[Math.min(n, countsByKey.length)];
        int size = 0;
        for (int key = 0; key < countsByKey.length; key++)
        {
            final long count = countsByKey[key];
            if (count < 0)
            {
                throw new IllegalArgumentException("access count of key " + key + " is negative: " + count);
            }
            if (count == 0 || heap.length == 0)
            {
                continue;
            }
            if (size < heap.length)
            {
                heap[size] = key;
                siftUp(heap, size++, countsByKey);
            }
            else if (ranksHigher(key, heap[0], countsByKey))
            {
                heap[0] = key;
                siftDown(heap, size, countsByKey);
            }
        }
        return of(countsByKey.length, Arrays.copyOf(heap, size));
    }

    public int numKeys()
    {
        return numKeys;
    }

    public int size()
    {
        return keys.length;
    }

    /** True iff {@code key} is replicated; false for any key outside the key space. */
    public boolean contains(final int key)
    {
        return key >= 0 && key < numKeys && (bits[key >>> 6] & (1L << key)) != 0;
    }

    /** The i-th replicated key in ascending order. */
    public int key(final int i)
    {
        return keys[i];
    }

    /** The replicated keys in ascending order (a copy). */
    public int[] toArray()
    {
        return keys.clone();
    }

    /** Share in [0, 1] of all counted accesses that fall on these keys; 0 when nothing was counted. */
    public double coverage(final long[] countsByKey)
    {
        if (countsByKey.length != numKeys)
        {
            throw new IllegalArgumentException(
                "access counts cover " + countsByKey.length + " keys, but the key space has " + numKeys);
        }
        long total = 0;
        for (final long count : countsByKey)
        {
            total += count;
        }
        long covered = 0;
        for (final int key : keys)
        {
            covered += countsByKey[key];
        }
        return total == 0 ? 0.0 : (double)covered / total;
    }

    /**
     * One line for the log, e.g. "replicating 900 of 40,943 keys (2.2%), covering 61.4% of counted accesses";
     * the coverage part only when counts are given.
     */
    public String describe(final long[] countsByKeyOrNull)
    {
        final double share = numKeys == 0 ? 0.0 : (double)keys.length / numKeys;
        final String line = String.format(Locale.ROOT, "replicating %,d of %,d keys (%.1f%%)",
            keys.length, numKeys, 100 * share);
        if (countsByKeyOrNull == null)
        {
            return line;
        }
        return line + String.format(Locale.ROOT, ", covering %.1f%% of counted accesses",
            100 * coverage(countsByKeyOrNull));
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof HotKeys that && numKeys == that.numKeys && Arrays.equals(keys, that.keys);
    }

    @Override
    public int hashCode()
    {
        return 31 * numKeys + Arrays.hashCode(keys);
    }

    @Override
    public String toString()
    {
        return describe(null);
    }

    private static void checkNumKeys(final int numKeys)
    {
        if (numKeys < 0)
        {
            throw new IllegalArgumentException("number of keys must be >= 0, got " + numKeys);
        }
    }

    /** Higher count first; equal counts: the lower key first. */
    private static boolean ranksHigher(final int a, final int b, final long[] counts)
    {
        return counts[a] != counts[b] ? counts[a] > counts[b] : a < b;
    }

    private static void siftUp(final int[] heap, final int index, final long[] counts)
    {
        int child = index;
        while (child > 0)
        {
            final int parent = (child - 1) >>> 1;
            if (!ranksHigher(heap[parent], heap[child], counts))
            {
                return;
            }
            swap(heap, parent, child);
            child = parent;
        }
    }

    private static void siftDown(final int[] heap, final int size, final long[] counts)
    {
        int parent = 0;
        while (true)
        {
            final int left = 2 * parent + 1;
            if (left >= size)
            {
                return;
            }
            final int right = left + 1;
            final int worse = right < size && ranksHigher(heap[left], heap[right], counts) ? right : left;
            if (!ranksHigher(heap[parent], heap[worse], counts))
            {
                return;
            }
            swap(heap, parent, worse);
            parent = worse;
        }
    }

    private static void swap(final int[] heap, final int i, final int j)
    {
        final int value = heap[i];
        heap[i] = heap[j];
        heap[j] = value;
    }
}
