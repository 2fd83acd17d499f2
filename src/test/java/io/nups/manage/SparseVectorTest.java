package io.nups.manage;

import io.nups.store.KeyLayout;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparseVectorTest
{
    private static final KeyLayout PAIRS = KeyLayout.uniform(100, 2);
    /** Keys 0-9 one float, 10-19 three, 20-29 two. */
    private static final KeyLayout MIXED =
        KeyLayout.builder(30).range(0, 10, 1).range(10, 20, 3).range(20, 30, 2).build();

    @Test
    void appendKeepsKeysAndValuesContiguous()
    {
        final SparseVector vector = vector(MIXED, 3, 1f, 12, 2f, 25, 3f);
        assertEquals(3, vector.size());
        assertEquals(12, vector.key(1));
        assertEquals(0, vector.valueOffset(0));
        assertEquals(1, vector.valueOffset(1));
        assertEquals(4, vector.valueOffset(2));
        assertEquals(3, vector.valueLength(1));
        assertArrayEquals(new float[]{2f, 4f, 6f}, values(vector, 1));
        assertEquals(3 * 4 + 4 * (1 + 3 + 2), vector.payloadBytes());
    }

    @Test
    void appendRefusesKeysOutOfOrderOrOutOfRange()
    {
        final SparseVector vector = vector(PAIRS, 5, 1f);
        final float[] value = {1f, 2f};
        final IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
            () -> vector.append(5, value, 0));
        assertTrue(again.getMessage().contains("key 5 appended after key 5"), again.getMessage());
        assertThrows(IllegalArgumentException.class, () -> vector.append(4, value, 0), "decreasing");
        assertThrows(IllegalArgumentException.class, () -> vector.append(100, value, 0), "beyond the key space");
        assertThrows(IllegalArgumentException.class, () -> vector.append(-1, value, 0), "negative");
        assertEquals(1, vector.size(), "a refused key adds nothing");
        vector.clear();
        vector.append(4, value, 0);
        assertEquals(4, vector.key(0), "clear starts the order afresh");
    }

    @Test
    void appendsFromABufferAsWrittenByPutFloat()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        buffer.putFloat(8, 1.5f);
        buffer.putFloat(12, -2f);
        buffer.putFloat(16, 7f);
        final SparseVector vector = new SparseVector(MIXED);
        vector.append(15, buffer, 8);
        assertArrayEquals(new float[]{1.5f, -2f, 7f}, values(vector, 0));
    }

    @Test
    void sumOfOverlappingVectorsAddsCommonKeys()
    {
        final SparseVector a = vector(PAIRS, 1, 1f, 4, 10f, 9, 100f);
        final SparseVector b = vector(PAIRS, 0, 2f, 4, 20f, 10, 200f);
        final SparseVector sum = new SparseVector(PAIRS);
        sum.sumOf(a, b);
        assertTrue(sum.contentEquals(vector(PAIRS, 0, 2f, 1, 1f, 4, 30f, 9, 100f, 10, 200f)), sum.toString());
    }

    @Test
    void sumOfDisjointAndEmptyVectors()
    {
        final SparseVector a = vector(PAIRS, 1, 1f, 3, 3f);
        final SparseVector b = vector(PAIRS, 0, 2f, 2, 2f, 99, 9f);
        final SparseVector empty = new SparseVector(PAIRS);
        final SparseVector sum = new SparseVector(PAIRS);
        sum.sumOf(a, b);
        assertTrue(sum.contentEquals(vector(PAIRS, 0, 2f, 1, 1f, 2, 2f, 3, 3f, 99, 9f)), sum.toString());
        sum.sumOf(a, empty);
        assertTrue(sum.contentEquals(a), sum.toString());
        sum.sumOf(empty, b);
        assertTrue(sum.contentEquals(b), sum.toString());
        sum.sumOf(empty, empty);
        assertEquals(0, sum.size());
        assertEquals(0, sum.payloadBytes());
    }

    @Test
    void sumOfIsBitwiseTheSameWithTheOperandsSwapped()
    {
        // The all-reduce relies on it: partners compute a + b and b + a and must agree to the bit.
        final KeyLayout layout = KeyLayout.uniform(1000, 4);
        final Random random = new Random(7);
        final SparseVector a = new SparseVector(layout);
        final SparseVector b = new SparseVector(layout);
        for (int key = 0; key < 1000; key += 1 + random.nextInt(3))
        {
            a.append(key, new float[]{random.nextFloat(), random.nextFloat() * 1e7f, -random.nextFloat(), 1e-30f}, 0);
        }
        for (int key = 0; key < 1000; key += 1 + random.nextInt(3))
        {
            b.append(key, new float[]{random.nextFloat() * 3, -random.nextFloat(), random.nextFloat() * 1e-7f, 1f}, 0);
        }
        final SparseVector ab = new SparseVector(layout);
        final SparseVector ba = new SparseVector(layout);
        ab.sumOf(a, b);
        ba.sumOf(b, a);
        assertTrue(ab.contentEquals(ba));
    }

    @Test
    void sumOfRefusesItselfAsAnOperand()
    {
        final SparseVector a = vector(PAIRS, 1, 1f);
        final SparseVector b = vector(PAIRS, 2, 1f);
        assertThrows(IllegalArgumentException.class, () -> a.sumOf(a, b));
        assertThrows(IllegalArgumentException.class, () -> b.sumOf(a, b));
    }

    @Test
    void sumOfRefusesVectorsOfDifferentLayouts()
    {
        final SparseVector a = vector(PAIRS, 1, 1f);
        final SparseVector b = vector(KeyLayout.uniform(100, 3), 1, 1f);
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> new SparseVector(PAIRS).sumOf(a, b));
        assertTrue(error.getMessage().contains("key 1 has 2 values in one vector and 3"), error.getMessage());
    }

    @Test
    void contentEqualsComparesKeysAndBits()
    {
        assertTrue(vector(PAIRS, 1, 1f).contentEquals(vector(PAIRS, 1, 1f)));
        assertFalse(vector(PAIRS, 1, 1f).contentEquals(vector(PAIRS, 2, 1f)));
        assertFalse(vector(PAIRS, 1, 1f).contentEquals(vector(PAIRS, 1, 1f, 2, 1f)));
        assertFalse(vector(PAIRS, 1, 0f).contentEquals(vector(PAIRS, 1, -0f)), "bitwise, so 0 and -0 differ");
    }

    @Test
    void randomMergesOfVariableLengthsMatchAMap()
    {
        final int[] lengths = new int[500];
        final Random random = new Random(42);
        for (int k = 0; k < lengths.length; k++)
        {
            lengths[k] = 1 + random.nextInt(6);
        }
        final KeyLayout layout = KeyLayout.perKey(lengths);
        final SparseVector a = new SparseVector(layout);
        final SparseVector b = new SparseVector(layout);
        final SparseVector sum = new SparseVector(layout);
        for (int trial = 0; trial < 200; trial++)
        {
            final TreeMap<Integer, float[]> expected = new TreeMap<>();
            fill(a, layout, random, trial % 7 == 0 ? 0 : random.nextInt(300), expected);
            fill(b, layout, random, trial % 11 == 0 ? 0 : random.nextInt(300), expected);
            sum.sumOf(a, b);
            assertEquals(expected.size(), sum.size());
            int i = 0;
            for (final Map.Entry<Integer, float[]> e : expected.entrySet())
            {
                assertEquals(e.getKey(), sum.key(i));
                assertEquals(layout.length(e.getKey()), sum.valueLength(i));
                assertArrayEquals(e.getValue(), values(sum, i), "key " + e.getKey());
                i++;
            }
        }
    }

    @Test
    void aGrownVectorKeepsItsArrays()
    {
        final SparseVector a = vector(MIXED, 1, 1f, 11, 2f, 21, 3f);
        final SparseVector b = vector(MIXED, 2, 1f, 12, 2f, 22, 3f);
        final SparseVector sum = new SparseVector(MIXED);
        sum.sumOf(a, b);
        final float[] grown = sum.values();
        for (int i = 0; i < 100; i++)
        {
            sum.clear();
            sum.sumOf(b, a);
        }
        assertTrue(grown == sum.values(), "no new array for content of the same size");
        assertEquals(6, sum.size());
    }

    /** Fills {@code vector} with {@code keys} random keys of small integer values, adding them into {@code total}. */
    private static void fill(final SparseVector vector, final KeyLayout layout, final Random random, final int keys,
        final TreeMap<Integer, float[]> total)
    {
        vector.clear();
        final TreeMap<Integer, float[]> entries = new TreeMap<>();
        for (int n = 0; n < keys; n++)
        {
            final int key = random.nextInt(layout.numKeys());
            final float[] value = new float[layout.length(key)];
            for (int v = 0; v < value.length; v++)
            {
                value[v] = random.nextInt(21) - 10;
            }
            entries.put(key, value);
        }
        for (final Map.Entry<Integer, float[]> e : entries.entrySet())
        {
            vector.append(e.getKey(), e.getValue(), 0);
            total.merge(e.getKey(), e.getValue().clone(), (x, y) ->
            {
                final float[] s = new float[x.length];
                for (int v = 0; v < s.length; v++)
                {
                    s[v] = x[v] + y[v];
                }
                return s;
            });
        }
    }

    /** A vector of {@code key, x} pairs; a key's values are x, 2x, 3x, ... (so sums stay in that form). */
    static SparseVector vector(final KeyLayout layout, final float... keysAndFirstValues)
    {
        final SparseVector vector = new SparseVector(layout);
        for (int i = 0; i < keysAndFirstValues.length; i += 2)
        {
            final int key = (int)keysAndFirstValues[i];
            final float[] value = new float[layout.length(key)];
            for (int v = 0; v < value.length; v++)
            {
                value[v] = keysAndFirstValues[i + 1] * (v + 1);
            }
            vector.append(key, value, 0);
        }
        return vector;
    }

    static float[] values(final SparseVector vector, final int i)
    {
        final float[] out = new float[vector.valueLength(i)];
        System.arraycopy(vector.values(), vector.valueOffset(i), out, 0, out.length);
        return out;
    }
}
