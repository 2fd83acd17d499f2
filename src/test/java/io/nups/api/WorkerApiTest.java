package io.nups.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerApiTest
{
    @Test
    void pushAddsSetOverwritesPullCopiesAndLocalHandlesAreDone()
    {
        try (ParameterServer ps = Nups.builder().keys(100, 4).threads(1).start())
        {
            final Worker w = ps.worker(0);
            final float[] v = {1, 2, 3, 4};
            assertEquals(Worker.DONE, w.push(7, v));
            assertEquals(Worker.DONE, w.push(7, v));
            final float[] out = new float[4];
            final long handle = w.pull(7, out);
            assertEquals(Worker.DONE, handle);
            assertTrue(w.isDone(handle));
            w.waitFor(handle);
            w.waitAll();
            assertArrayEquals(new float[]{2, 4, 6, 8}, out);
            w.set(7, new float[]{-1, -1, -1, -1});
            assertTrue(w.pullIfLocal(7, out));
            assertArrayEquals(new float[]{-1, -1, -1, -1}, out);
            assertEquals(4, w.valueLength(99));
            assertEquals(4, ps.valueLength(0));
            assertEquals(Worker.DONE, w.localize(new int[] {1, 7, 1}), "on one node every key is local");
            assertThrows(IllegalArgumentException.class, () -> w.localize(new int[] {100}));
            assertEquals(0, ps.rank());
            assertEquals(1, ps.nodes());
        }
    }

    @Test
    void duplicateKeysInOneCallBehaveAsIfSplit()
    {
        try (ParameterServer ps = Nups.builder().keys(10, 2).start())
        {
            final Worker w = ps.worker(0);
            w.push(new int[]{3, 5, 3}, new float[]{1, 1, 10, 10, 100, 100});
            final float[] out = new float[6];
            w.pull(new int[]{3, 3, 5}, out);
            assertArrayEquals(new float[]{101, 101, 101, 101, 10, 10}, out);
            w.set(new int[]{4, 4}, new float[]{1, 2, 3, 4});
            final float[] four = new float[2];
            w.pull(4, four);
            assertArrayEquals(new float[]{3, 4}, four, "the later write of a duplicate key wins");
        }
    }

    @Test
    void variableLengthsPerRange()
    {
        try (ParameterServer ps = Nups.builder().keys(10).valueLength(0, 8, 3).valueLength(8, 10, 5).start())
        {
            final Worker w = ps.worker(0);
            w.push(new int[]{1, 9}, new float[]{1, 2, 3, 4, 5, 6, 7, 8});
            final float[] out = new float[8];
            w.pull(new int[]{1, 9}, out);
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, out);
            assertEquals(5, ps.valueLength(9));
        }
    }

    @Test
    void badCallsFailClearlyAndChangeNothing()
    {
        try (ParameterServer ps = Nups.builder().keys(10, 2).start())
        {
            final Worker w = ps.worker(0);
            assertMessage(IllegalArgumentException.class, "needs a value array of 4 floats",
                () -> w.push(new int[]{1, 2}, new float[3]));
            assertMessage(IllegalArgumentException.class, "key 10 is out of range [0, 10)",
                () -> w.push(new int[]{1, 10}, new float[4]));
            assertMessage(IllegalArgumentException.class, "key -1 is out of range",
                () -> w.pull(-1, new float[2]));
            assertMessage(IllegalArgumentException.class, "needs a value array of 2 floats, got 3",
                () -> w.set(0, new float[3]));
            assertMessage(IllegalArgumentException.class, "unknown operation handle 5",
                () -> w.waitFor(5));
            assertMessage(IllegalArgumentException.class, "worker index 1 out of range [0, 1)",
                () -> ps.worker(1));
            final float[] out = new float[2];
            w.pull(1, out);
            assertArrayEquals(new float[2], out, "a rejected push must not apply any of its keys");
        }
    }

    @Test
    void useAfterCloseIsRefused()
    {
        final ParameterServer ps = Nups.builder().keys(10, 2).start();
        final Worker w = ps.worker(0);
        ps.close();
        ps.close();
        assertMessage(IllegalStateException.class, "closed", () -> w.pull(1, new float[2]));
        assertMessage(IllegalStateException.class, "closed", () -> w.push(1, new float[2]));
        assertMessage(IllegalStateException.class, "closed", () -> ps.worker(0));
    }

    @Test
    void invalidConfigurationIsRejected()
    {
        assertMessage(IllegalStateException.class, "no key space", () -> Nups.builder().start());
        assertMessage(IllegalArgumentException.class, "worker threads must be in [1, 1024]",
            () -> Nups.builder().keys(5, 1).threads(0).start());
        assertMessage(IllegalArgumentException.class, "power of two",
            () -> Nups.builder().keys(5, 1).latencySampling(3).start());
        assertMessage(IllegalArgumentException.class, "capacity factor must be in (0, 1]",
            () -> Nups.builder().keys(5, 1).storeCapacity(1.5));
    }

    @Test
    void concurrentPushesFromAllWorkersSumExactly() throws Exception
    {
        final int threads = 4;
        final int keys = 64;
        final int rounds = 20_000;
        try (ParameterServer ps = Nups.builder().keys(keys, 8).threads(threads).start())
        {
            runWorkers(ps, threads, w ->
            {
                final float[] one = new float[8];
                Arrays.fill(one, 1f);
                final int[] pair = new int[2];
                final float[] two = new float[16];
                Arrays.fill(two, 1f);
                for (int i = 0; i < rounds; i++)
                {
                    w.push(i % keys, one);
                    pair[0] = (i * 7) % keys;
                    pair[1] = pair[0];
                    w.push(pair, two);
                }
                w.barrier();
            });
            final float[] out = new float[8];
            float total = 0;
            for (int k = 0; k < keys; k++)
            {
                ps.worker(0).pull(k, out);
                for (final float x : out)
                {
                    assertEquals(out[0], x, "key " + k + " elements diverged");
                }
                total += out[0];
            }
            assertEquals(3f * rounds * threads, total, "every push applied exactly once");
        }
    }

    @Test
    void aSetIsNeverHalfVisibleToAPull() throws Exception
    {
        final int length = 256;
        try (ParameterServer ps = Nups.builder().keys(4, length).threads(2).start())
        {
            final AtomicBoolean stop = new AtomicBoolean();
            runWorkers(ps, 2, w ->
            {
                final float[] v = new float[length];
                final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                if (w.index() == 0)
                {
                    for (int i = 0; System.nanoTime() < deadline && i < 10_000_000; i++)
                    {
                        Arrays.fill(v, i);
                        w.set(1, v);
                    }
                    stop.set(true);
                }
                else
                {
                    for (int i = 0; !stop.get() && i < 10_000_000; i++)
                    {
                        w.pull(1, v);
                        for (final float x : v)
                        {
                            assertEquals(v[0], x);
                        }
                    }
                }
            });
        }
    }

    @Test
    void barrierReleasesAllWorkersTogetherAndTimesOutWithAMessage() throws Exception
    {
        try (ParameterServer ps = Nups.builder().keys(4, 1).threads(3).waitTimeout(Duration.ofMillis(300)).start())
        {
            final float[] marks = new float[1];
            runWorkers(ps, 3, w ->
            {
                w.push(0, new float[]{1});
                w.barrier();
                final float[] seen = new float[1];
                w.pull(0, seen);
                assertEquals(3f, seen[0], "after the barrier every worker's push is visible");
                marks[0] = seen[0];
            });
            assertMessage(IllegalStateException.class, "not all 3 workers arrived", () -> ps.worker(0).barrier());
        }
    }

    @Test
    void profileWritesIntervalLogAndPercentiles(@TempDir final Path dir) throws Exception
    {
        try (ParameterServer ps = Nups.builder().keys(100, 16).latencySampling(1).profile(dir)
            .profileInterval(Duration.ofMillis(50)).start())
        {
            final Worker w = ps.worker(0);
            final float[] v = new float[16];
            for (int i = 0; i < 1000; i++)
            {
                w.push(i % 100, v);
                w.pull(i % 100, v);
            }
            final String summary = ps.latencySummary();
            assertTrue(summary.contains("local_pull") && summary.contains("local_push"), summary);
        }
        assertTrue(Files.size(dir.resolve("nups-r0.hlog")) > 0);
        assertTrue(Files.readString(dir.resolve("nups-r0.local_pull.hgrm")).contains("#[Mean"));
        assertTrue(Files.readString(dir.resolve("nups-r0.local_push.hgrm")).contains("#[Mean"));
    }

    private interface WorkerBody
    {
        void run(Worker worker) throws Exception;
    }

    private static void runWorkers(final ParameterServer ps, final int threads, final WorkerBody body)
        throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final Worker w = ps.worker(t);
                futures.add(pool.submit(() ->
                {
                    body.run(w);
                    return null;
                }));
            }
            for (final Future<?> f : futures)
            {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static void assertMessage(
        final Class<? extends Throwable> type, final String fragment, final org.junit.jupiter.api.function.Executable call)
    {
        final Throwable thrown = assertThrows(type, call);
        assertTrue(thrown.getMessage().contains(fragment), "message \"" + thrown.getMessage() + "\" lacks \"" +
            fragment + "\"");
        assertFalse(thrown.getMessage().isBlank());
    }
}
