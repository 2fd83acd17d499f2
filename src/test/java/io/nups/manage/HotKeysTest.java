package io.nups.manage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HotKeysTest
{
    @Test
    void ofSortsAndRemovesDuplicates()
    {
        final HotKeys hot = HotKeys.of(200, 130, 5, 64, 5, 63, 130, 0);
        assertEquals(5, hot.size());
        assertArrayEquals(new int[]{0, 5, 63, 64, 130}, hot.toArray());
        assertEquals(63, hot.key(2));
        for (int key = -3; key < 203; key++)
        {
            assertEquals(Arrays.binarySearch(hot.toArray(), key) >= 0, hot.contains(key), "key " + key);
        }
    }

    @Test
    void toArrayIsACopy()
    {
        final HotKeys hot = HotKeys.of(10, 3, 4);
        hot.toArray()[0] = 9;
        assertArrayEquals(new int[]{3, 4}, hot.toArray());
        assertFalse(hot.contains(9));
    }

    @Test
    void keysOutsideTheKeySpaceAreNamed()
    {
        assertMessage(() -> HotKeys.of(10, 3, 10), "replicated key 10 is out of range [0, 10)");
        assertMessage(() -> HotKeys.of(10, -1, 2), "replicated key -1 is out of range [0, 10)");
        assertMessage(() -> HotKeys.none(-1), "number of keys must be >= 0, got -1");
    }

    @Test
    void noneIsEmpty()
    {
        final HotKeys none = HotKeys.none(1000);
        assertEquals(0, none.size());
        assertEquals(1000, none.numKeys());
        assertFalse(none.contains(0));
        assertEquals(HotKeys.of(1000), none);
        assertEquals(0.0, none.coverage(new long[1000]));
    }

    @Test
    void topNTakesTheHighestCountsAndBreaksTiesByLowerKey()
    {
        final long[] counts = {5, 9, 0, 9, 7, 5, 5, 1};
        assertArrayEquals(new int[]{1, 3}, HotKeys.topN(counts, 2).toArray());
        assertArrayEquals(new int[]{1, 3, 4}, HotKeys.topN(counts, 3).toArray());
        assertArrayEquals(new int[]{0, 1, 3, 4}, HotKeys.topN(counts, 4).toArray());
        assertArrayEquals(new int[]{0, 1, 3, 4, 5}, HotKeys.topN(counts, 5).toArray());
        assertEquals(0, HotKeys.topN(counts, 0).size());
    }

    @Test
    void topNNeverTakesUncountedKeys()
    {
        final long[] counts = {0, 3, 0, 2, 0};
        assertArrayEquals(new int[]{1, 3}, HotKeys.topN(counts, 4).toArray());
        assertArrayEquals(new int[]{1, 3}, HotKeys.topN(counts, Integer.MAX_VALUE).toArray());
        assertEquals(0, HotKeys.topN(new long[5], 3).size());
        assertEquals(5, HotKeys.topN(counts, 1).numKeys());
    }

    @Test
    void topNAgreesWithSortingOnRandomCounts()
    {
        final Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            final long[] counts = new long[1 + random.nextInt(300)];
            for (int k = 0; k < counts.length; k++)
            {
                counts[k] = random.nextInt(4) == 0 ? 0 : random.nextInt(20);
            }
            final int n = random.nextInt(counts.length + 5);
            final int[] expected = Arrays.stream(ranked(counts)).filter(k -> counts[k] > 0).limit(n).sorted().toArray();
            assertArrayEquals(expected, HotKeys.topN(counts, n).toArray(), "trial " + trial);
        }
    }

    @Test
    void topNRejectsBadInput()
    {
        assertMessage(() -> HotKeys.topN(new long[]{1, -4}, 1), "access count of key 1 is negative: -4");
        assertMessage(() -> HotKeys.topN(new long[]{1}, -1), "must be >= 0, got -1");
    }

    @Test
    void coverageIsTheShareOfCountedAccesses()
    {
        final long[] counts = {50, 0, 25, 25};
        assertEquals(0.75, HotKeys.of(4, 0, 2).coverage(counts), 1e-12);
        assertEquals(0.5, HotKeys.of(4, 1, 3, 2).coverage(counts), 1e-12);
        assertEquals(1.0, HotKeys.of(4, 0, 1, 2, 3).coverage(counts), 1e-12);
        assertEquals(0.0, HotKeys.of(4, 0).coverage(new long[4]));
        assertMessage(() -> HotKeys.of(4, 0).coverage(new long[3]),
            "access counts cover 3 keys, but the key space has 4");
    }

    @Test
    void describeSaysHowManyAndWhatShare()
    {
        final long[] counts = new long[40_943];
        counts[0] = 614;
        counts[1] = 386;
        final int[] keys = new int[900];
        Arrays.setAll(keys, i -> i * 2);
        final HotKeys hot = HotKeys.of(40_943, keys);
        assertEquals("replicating 900 of 40,943 keys (2.2%), covering 61.4% of counted accesses",
            hot.describe(counts));
        assertEquals("replicating 900 of 40,943 keys (2.2%)", hot.describe(null));
        assertEquals("replicating 0 of 0 keys (0.0%)", HotKeys.none(0).describe(null));
    }

    /** Keys by count descending, ties by key ascending: the order topN promises. */
    private static int[] ranked(final long[] counts)
    {
        return IntStream.range(0, counts.length).boxed()
            .sorted((a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : Integer.compare(a, b))
            .mapToInt(Integer::intValue).toArray();
    }

    private static void assertMessage(final Executable call, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
