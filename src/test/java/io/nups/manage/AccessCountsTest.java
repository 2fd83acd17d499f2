package io.nups.manage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessCountsTest
{
    @Test
    void mergedSumsAllWorkers()
    {
        final AccessCounts counts = new AccessCounts(5, 2);
        final AccessCounts.Recorder first = counts.recorder(0);
        final AccessCounts.Recorder second = counts.recorder(1);
        first.count(3);
        first.count(3);
        second.count(3);
        second.count(0);
        second.count(new int[]{9, 4, 4, 1, 9}, 1, 4);
        assertArrayEquals(new long[]{1, 1, 0, 3, 2}, counts.merged());
        assertEquals(5, counts.numKeys());
        assertEquals(2, counts.workers());
    }

    @Test
    void workerThreadsCountWithoutLosingAccesses() throws InterruptedException
    {
        final int keys = 1000;
        final int workers = 4;
        final int accesses = 200_000;
        final AccessCounts counts = new AccessCounts(keys, workers);
        final long[] expected = new long[keys];
        final Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++)
        {
            final SplittableRandom random = new SplittableRandom(w);
            final int[] sequence = random.ints(accesses, 0, keys).toArray();
            for (final int key : sequence)
            {
                expected[key]++;
            }
            final AccessCounts.Recorder recorder = counts.recorder(w);
            threads[w] = new Thread(() -> recorder.count(sequence, 0, sequence.length), "counting-worker-" + w);
            threads[w].start();
        }
        for (final Thread thread : threads)
        {
            thread.join(); // orders the workers' plain writes before merged()
        }
        assertArrayEquals(expected, counts.merged());
    }

    @Test
    void resetForgetsEverything()
    {
        final AccessCounts counts = new AccessCounts(3, 1);
        counts.recorder(0).count(2);
        counts.reset();
        assertArrayEquals(new long[3], counts.merged());
        counts.recorder(0).count(1);
        assertArrayEquals(new long[]{0, 1, 0}, counts.merged());

        final AccessCounts reported = AccessCounts.fromReported(new long[]{4, 5});
        reported.reset();
        assertArrayEquals(new long[2], reported.merged());
    }

    @Test
    void reportedCountsAreCopied()
    {
        final long[] source = {7, 0, 3_000_000_000L};
        final AccessCounts counts = AccessCounts.fromReported(source);
        source[0] = 99;
        final long[] merged = counts.merged();
        assertArrayEquals(new long[]{7, 0, 3_000_000_000L}, merged);
        merged[1] = 5;
        assertArrayEquals(new long[]{7, 0, 3_000_000_000L}, counts.merged());
        assertEquals(0, counts.workers());
        assertArrayEquals(new int[]{0, 2}, HotKeys.topN(counts.merged(), 5).toArray());
    }

    @Test
    void countsOfSeveralNodesAddElementWise()
    {
        final AccessCounts a = new AccessCounts(3, 1);
        final AccessCounts b = new AccessCounts(3, 2);
        a.recorder(0).count(new int[]{0, 1, 1}, 0, 3);
        b.recorder(1).count(new int[]{1, 2}, 0, 2);
        final long[] total = a.merged();
        final long[] other = b.merged();
        for (int key = 0; key < total.length; key++)
        {
            total[key] += other[key];
        }
        assertArrayEquals(new long[]{1, 3, 1}, total);
    }

    @Test
    void aWorkersCountSaturatesInsteadOfWrapping()
    {
        final AccessCounts counts = new AccessCounts(1, 2);
        final AccessCounts.Recorder recorder = counts.recorder(0);
        final int[] zeros = new int[1 << 20];
        for (int round = 0; round < 2049; round++)
        {
            recorder.count(zeros, 0, zeros.length);
        }
        counts.recorder(1).count(0);
        assertArrayEquals(new long[]{Integer.MAX_VALUE + 1L}, counts.merged());
    }

    @Test
    void badInputIsNamed()
    {
        final AccessCounts counts = new AccessCounts(4, 2);
        assertMessage(() -> counts.recorder(2), "worker 2 is out of range [0, 2) of the counted workers");
        assertMessage(() -> counts.recorder(0).count(4), "counted key 4 is out of range [0, 4)");
        assertMessage(() -> counts.recorder(1).count(new int[]{1, -1}, 0, 2), "counted key -1 is out of range [0, 4)");
        assertMessage(() -> AccessCounts.fromReported(new long[]{1, -3}),
            "reported access count of key 1 is negative: -3");
        assertMessage(() -> AccessCounts.fromReported(new long[1]).recorder(0), "out of range [0, 0)");
        assertMessage(() -> new AccessCounts(-1, 1), "number of keys must be >= 0, got -1");
        assertMessage(() -> new AccessCounts(1, -1), "number of workers must be >= 0, got -1");
    }

    private static void assertMessage(final Executable call, final String expected)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, call);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
