package io.nups.api;

import io.nups.sample.KeyDistribution;
import io.nups.sample.KeyDraw;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import io.nups.sample.SamplingStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampling calls of the public API on one node: group bookkeeping (ids, counts, freeing, finish), values of
 * sampled keys, statistics, reproducible streams, an allocation-free steady state, the pool agent's thread, and
 * the errors that name what went wrong.
 */
class SamplingApiTest
{
    private static final int KEYS = 500;
    private static final int LENGTH = 3;

    private static ParameterServer start(final SamplingOptions sampling)
    {
        final ParameterServer ps = Nups.builder().keys(KEYS, LENGTH).threads(1).waitTimeout(Duration.ofSeconds(10))
            .sampling(sampling).start();
        final Worker w = ps.worker(0);
        final float[] value = new float[LENGTH];
        for (int k = 0; k < KEYS; k++)
        {
            Arrays.fill(value, k);
            w.set(k, value);
        }
        return ps;
    }

    private static SamplingOptions options(final SamplingScheme scheme)
    {
        return SamplingOptions.of(KeyDistribution.uniform(100, 400)).withScheme(scheme).withGroupSize(16)
            .withReuse(scheme == SamplingScheme.POOL ? 2 : 1).withScanRange(scheme == SamplingScheme.LOCAL ? 100 : -1,
                scheme == SamplingScheme.LOCAL ? 400 : -1);
    }

    @ParameterizedTest
    @EnumSource(SamplingScheme.class)
    void groupsHandOutTheirKeysWithTheirValuesAndAreFreedWhenUsedUp(final SamplingScheme scheme)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            try (ParameterServer ps = start(options(scheme)))
            {
                final Worker w = ps.worker(0);
                final int perPull = scheme == SamplingScheme.LOCAL ? 1 : 3;
                final int[] keys = new int[perPull];
                final float[] values = new float[perPull * LENGTH];
                final long id = w.prepareSample(6 * perPull);
                for (int i = 0; i < 6; i++)
                {
                    assertEquals(Worker.DONE, w.pullSample(id, keys, values), "one node: every key is local");
                    for (int j = 0; j < perPull; j++)
                    {
                        assertTrue(keys[j] >= 100 && keys[j] < 400, "key " + keys[j] + " outside the distribution");
                        for (int e = 0; e < LENGTH; e++)
                        {
                            assertEquals(keys[j], values[j * LENGTH + e], "value of sampled key " + keys[j]);
                        }
                    }
                }
                final IllegalArgumentException freed = assertThrows(IllegalArgumentException.class,
                    () -> w.pullSample(id, keys, values));
                assertTrue(freed.getMessage().contains("unknown sample id " + id), freed.getMessage());

                final long other = w.prepareSample(2);
                final int[] tooMany = new int[3];
                if (scheme != SamplingScheme.LOCAL)
                {
                    final IllegalArgumentException more = assertThrows(IllegalArgumentException.class,
                        () -> w.pullSample(other, tooMany, new float[3 * LENGTH]));
                    assertTrue(more.getMessage().contains("has 2 of its 2 keys left"), more.getMessage());
                }
                w.pullSample(other, new int[1], new float[LENGTH]);
                w.finishSample(other);
                w.finishSample(other); // freed: no-op
                assertThrows(IllegalArgumentException.class, () -> w.pullSample(other, new int[1], new float[LENGTH]));

                final SamplingStats stats = ps.samplingStats();
                assertEquals(6 * perPull + 1, stats.samples(), stats.summary());
                assertEquals(stats.samples(), stats.localSamples(), stats.summary());
                assertEquals(1, stats.unused(), "finishSample discarded one key: " + stats.summary());
                assertTrue(stats.summary().startsWith("sampling " + scheme.name().toLowerCase()), stats.summary());
            }
        });
    }

    @Test
    void theSameSeedDrawsTheSameSamples()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            final SamplingOptions naive = SamplingOptions.of(KeyDistribution.uniform(0, KEYS)).withSeed(99);
            final int[] first = draw(naive);
            assertArrayEquals(first, draw(naive));
            assertFalse(Arrays.equals(first, draw(naive.withSeed(100))));
        });
    }

    private static int[] draw(final SamplingOptions options)
    {
        try (ParameterServer ps = start(options))
        {
            final Worker w = ps.worker(0);
            final int[] keys = new int[40];
            w.pullSample(w.prepareSample(40), keys, new float[40 * LENGTH]);
            return keys;
        }
    }

    @ParameterizedTest
    @EnumSource(SamplingScheme.class)
    void steadySamplingAllocatesNothing(final SamplingScheme scheme)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (ParameterServer ps = start(options(scheme)))
            {
                final Worker w = ps.worker(0);
                final int[] key = new int[1];
                final float[] value = new float[LENGTH];
                sample(w, key, value, 20_000); // warm up: groups, maps and the JIT
                final long before = threads.getCurrentThreadAllocatedBytes();
                sample(w, key, value, 20_000);
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 4096, scheme + ": 100,000 samples allocated " + allocated + " bytes");
            }
        });
    }

    private static void sample(final Worker w, final int[] key, final float[] value, final int groups)
    {
        for (int g = 0; g < groups; g++)
        {
            final long id = w.prepareSample(5);
            for (int i = 0; i < 5; i++)
            {
                w.waitFor(w.pullSample(id, key, value));
            }
        }
    }

    @Test
    void thePoolAgentIsANamedThreadThatStopsWithTheNode()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            try (ParameterServer ps = start(options(SamplingScheme.POOL)))
            {
                assertTrue(poolThreadAlive(), "nups-pool-r0 runs");
                final long id = ps.worker(0).prepareSample(10);
                ps.worker(0).finishSample(id);
                final SamplingStats stats = ps.samplingStats();
                assertTrue(stats.poolUsed() == 10 && stats.poolDrawn() >= 5, stats.toString());
            }
            final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (poolThreadAlive() && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertFalse(poolThreadAlive(), "nups-pool-r0 stopped with the node");
        });
    }

    private static boolean poolThreadAlive()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals("nups-pool-r0") && t.isAlive());
    }

    @Test
    void aPoolTooSmallForItsFetchTimeAbortsWithAMessage()
    {
        // Group 1, reuse 1: a pool of 200 positions. A group of 100 finds at most 3 prepared, so the fetch-time
        // estimate grows by twice the shortfall, past half the pool, and the pool aborts.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            try (ParameterServer ps = start(SamplingOptions.of(KeyDistribution.uniform(0, KEYS))
                .withScheme(SamplingScheme.POOL).withGroupSize(1)))
            {
                final IllegalStateException aborted = assertThrows(IllegalStateException.class,
                    () -> ps.worker(0).prepareSample(100));
                assertTrue(aborted.getMessage().contains("sampling pool of node 0 aborted") &&
                    aborted.getMessage().contains("raise the group size or reuse"), aborted.getMessage());
                final IllegalArgumentException large = assertThrows(IllegalArgumentException.class,
                    () -> ps.worker(0).prepareSample(101));
                assertTrue(large.getMessage().contains("exceeds half the sampling pool"), large.getMessage());
            }
        });
    }

    @Test
    void aPoolWhoseGroupsAreLocalSurvivesWorkersThatKeepWaitingForIt()
    {
        // One node: every group is local at once. A slow draw makes the worker wait for nearly every group; each
        // wait adds twice its shortfall to the fetch-time estimate, so only the zero-position fetches of the
        // local groups keep it an average. Without them it grows past half the pool (1,600) and aborts.
        final KeyDistribution slow = seed -> new KeyDraw()
        {
            private int next;

            @Override
            public int nextKey()
            {
                final long until = System.nanoTime() + 20_000;
                while (System.nanoTime() < until)
                {
                    Thread.onSpinWait();
                }
                next = (next + 7) % KEYS;
                return next;
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (ParameterServer ps = start(SamplingOptions.of(slow).withScheme(SamplingScheme.POOL).withGroupSize(8)))
            {
                final Worker w = ps.worker(0);
                final int[] keys = new int[1];
                final float[] values = new float[LENGTH];
                for (int i = 0; i < 1000; i++)
                {
                    final long id = w.prepareSample(8);
                    for (int j = 0; j < 8; j++)
                    {
                        w.waitFor(w.pullSample(id, keys, values));
                    }
                }
                final long waits = ps.samplingStats().poolWaits();
                assertTrue(waits > 100, "the worker should have waited for the slow pool often, waited " + waits);
            }
        });
    }

    @Test
    void errorsNameWhatIsWrong()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            try (ParameterServer ps = Nups.builder().keys(KEYS, LENGTH).start())
            {
                final IllegalStateException off = assertThrows(IllegalStateException.class,
                    () -> ps.worker(0).prepareSample(1));
                assertTrue(off.getMessage().contains("sampling is not enabled"), off.getMessage());
            }
            try (ParameterServer ps = start(SamplingOptions.of(seed -> () -> KEYS + 7)))
            {
                final Worker w = ps.worker(0);
                final long id = w.prepareSample(1);
                final IllegalStateException outside = assertThrows(IllegalStateException.class,
                    () -> w.pullSample(id, new int[1], new float[LENGTH]));
                assertTrue(outside.getMessage().contains("drew key " + (KEYS + 7)), outside.getMessage());
                assertThrows(IllegalArgumentException.class, () -> w.prepareSample(0));
            }
            try (ParameterServer ps = start(options(SamplingScheme.LOCAL)))
            {
                final Worker w = ps.worker(0);
                final long id = w.prepareSample(4);
                final IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                    () -> w.pullSample(id, new int[2], new float[2 * LENGTH]));
                assertTrue(two.getMessage().contains("one key per pullSample"), two.getMessage());
                assertThrows(IllegalArgumentException.class, () -> w.pullSample(id, new int[1], new float[2]));
            }
            assertThrows(IllegalArgumentException.class, () -> Nups.builder().keys(KEYS, LENGTH)
                .sampling(SamplingOptions.of(KeyDistribution.uniform(0, 10)).withScanRange(0, KEYS + 1)).start());
            assertThrows(IllegalArgumentException.class,
                () -> SamplingOptions.of(KeyDistribution.uniform(0, 10)).withReuse(0));
            assertThrows(IllegalArgumentException.class,
                () -> SamplingOptions.of(KeyDistribution.uniform(0, 10)).withScanRange(5, 5));
        });
    }
}
