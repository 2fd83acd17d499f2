package io.nups.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The key space {@code [0, numKeys)} and the value length (in floats) of every key: one uniform length,
 * or one length per contiguous key range (entities 2·d, relations 2·d², one key for metrics).
 * Immutable; no per-key objects, so tens of millions of keys cost nothing here.
 */
public final class KeyLayout
{
    private final int numKeys;
    private final int uniformLength;
    private final int[] rangeStarts;
    private final int[] rangeLengths;

    private KeyLayout(final int numKeys, final int[] rangeStarts, final int[] rangeLengths)
    {
        this.numKeys = numKeys;
        this.rangeStarts = rangeStarts;
        this.rangeLengths = rangeLengths;
        this.uniformLength = rangeLengths.length == 1 ? rangeLengths[0] : -1;
    }

    /** Every key in {@code [0, numKeys)} has {@code length} floats. */
    public static KeyLayout uniform(final int numKeys, final int length)
    {
        return builder(numKeys).range(0, numKeys, length).build();
    }

    /** One length per key; runs of equal lengths are stored once. */
    public static KeyLayout perKey(final int[] lengths)
    {
        final Builder builder = builder(lengths.length);
        int start = 0;
        for (int k = 1; k <= lengths.length; k++)
        {
            if (k == lengths.length || lengths[k] != lengths[start])
            {
                builder.range(start, k, lengths[start]);
                start = k;
            }
        }
        return builder.build();
    }

    public static Builder builder(final int numKeys)
    {
        return new Builder(numKeys);
    }

    public int numKeys()
    {
        return numKeys;
    }

    /** True iff every key has the same length. */
    public boolean isUniform()
    {
        return uniformLength >= 0;
    }

    /** Value length of {@code key} in floats. The key must be in range. */
    public int length(final int key)
    {
        if (uniformLength >= 0)
        {
            return uniformLength;
        }
        int index = Arrays.binarySearch(rangeStarts, key);
        if (index < 0)
        {
            index = -index - 2;
        }
        return rangeLengths[index];
    }

    /** Throws a clear exception unless {@code 0 <= key < numKeys}. */
    public void checkKey(final int key)
    {
        if (key < 0 || key >= numKeys)
        {
            throw new IllegalArgumentException("key " + key + " is out of range [0, " + numKeys + ")");
        }
    }

    /** Sum of the value lengths of {@code keys[0, count)}, checking every key's range. */
    public long totalLength(final int[] keys, final int count)
    {
        if (uniformLength >= 0)
        {
            for (int i = 0; i < count; i++)
            {
                checkKey(keys[i]);
            }
            return (long)uniformLength * count;
        }
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            checkKey(keys[i]);
            total += length(keys[i]);
        }
        return total;
    }

    /** Number of keys per distinct value length, ordered by length. */
    public TreeMap<Integer, Long> keysPerLength()
    {
        final TreeMap<Integer, Long> counts = new TreeMap<>();
        for (int i = 0; i < rangeStarts.length; i++)
        {
            final int end = i + 1 < rangeStarts.length ? rangeStarts[i + 1] : numKeys;
            counts.merge(rangeLengths[i], (long)(end - rangeStarts[i]), Long::sum);
        }
        return counts;
    }

    /** Total floats over all keys. */
    public long totalFloats()
    {
        long total = 0;
        for (final var e : keysPerLength().entrySet())
        {
            total += e.getKey() * e.getValue();
        }
        return total;
    }

    @Override
    public String toString()
    {
        if (isUniform())
        {
            return numKeys + " keys x " + uniformLength + " floats";
        }
        final StringBuilder sb = new StringBuilder().append(numKeys).append(" keys: ");
        for (int i = 0; i < rangeStarts.length; i++)
        {
            final int end = i + 1 < rangeStarts.length ? rangeStarts[i + 1] : numKeys;
            sb.append(i == 0 ? "" : ", ").append('[').append(rangeStarts[i]).append(',').append(end)
                .append(")x").append(rangeLengths[i]);
        }
        return sb.toString();
    }

    /** Collects ranges; {@link #build()} checks they tile {@code [0, numKeys)} exactly. */
    public static final class Builder
    {
        private final int numKeys;
        private final List<int[]> ranges = new ArrayList<>();

        private Builder(final int numKeys)
        {
            if (numKeys <= 0)
            {
                throw new IllegalArgumentException("numKeys must be positive, got " + numKeys);
            }
            this.numKeys = numKeys;
        }

        /** Keys {@code [from, to)} have {@code length} floats each. */
        public Builder range(final int from, final int to, final int length)
        {
            if (from < 0 || to > numKeys || from >= to)
            {
                throw new IllegalArgumentException(
                    "key range [" + from + ", " + to + ") is empty or outside [0, " + numKeys + ")");
            }
            if (length <= 0)
            {
                throw new IllegalArgumentException(
                    "value length of keys [" + from + ", " + to + ") must be positive, got " + length);
            }
            SlotDescriptor.slotLength(length);
            ranges.add(new int[]{from, to, length});
            return this;
        }

        public KeyLayout build()
        {
            ranges.sort((a, b) -> Integer.compare(a[0], b[0]));
            final List<Integer> starts = new ArrayList<>();
            final List<Integer> lengths = new ArrayList<>();
            int expected = 0;
            for (final int[] r : ranges)
            {
                if (r[0] != expected)
                {
                    throw new IllegalArgumentException(r[0] < expected ?
                        "key ranges overlap at key " + r[0] :
                        "keys [" + expected + ", " + r[0] + ") have no value length");
                }
                if (!lengths.isEmpty() && lengths.get(lengths.size() - 1) == r[2])
                {
                    expected = r[1];
                    continue;
                }
                starts.add(r[0]);
                lengths.add(r[2]);
                expected = r[1];
            }
            if (expected != numKeys)
            {
                throw new IllegalArgumentException("keys [" + expected + ", " + numKeys + ") have no value length");
            }
            return new KeyLayout(
                numKeys,
                starts.stream().mapToInt(Integer::intValue).toArray(),
                lengths.stream().mapToInt(Integer::intValue).toArray());
        }
    }
}
