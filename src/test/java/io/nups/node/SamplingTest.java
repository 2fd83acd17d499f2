package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.sample.AliasTable;
import io.nups.sample.ChiSquare;
import io.nups.sample.KeyDistribution;
import io.nups.sample.KeyDraw;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import io.nups.sample.SamplingStats;
import io.nups.store.KeyLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference's test_sampling (§7 item 7) for every scheme, 3 and 4 nodes over real tcp and shm, with and
 * without replicated keys (every fifth), plus distribution checks. Keys k ≡ rank (mod N) are first localized to
 * node {@code rank}; each key's value is (k, −k), and every sample's value must match its key.
 *
 * <p>Replay: each node's distribution replays a fixed skewed sequence (a third of the keys never drawn), shared
 * by all its drawing threads like NuPS's {@code SampleKey}. Then, for naive, preloc and pool (with and without
 * postponing), each key is used exactly reuse × its count in the first (samples drawn) entries of the sequence:
 * exactly the drawn keys are used, each exactly {@code reuse} times, and postponing loses nothing. For local
 * sampling the counts equal the sequence filtered to local keys (scan variant: each entry's next local key).
 *
 * <p>Sizes are the reference's scaled down for a 2-core machine: 2 workers per node (reference 4), 2,000
 * iterations (10,000), 5 keys per sample and 10 groups prepared ahead as there.
 */
class SamplingTest
{
    private static final int KEYS = 1000;
    private static final int LENGTH = 2;
    private static final KeyLayout LAYOUT = KeyLayout.uniform(KEYS, LENGTH);
    private static final HotKeys EVERY_FIFTH = HotKeys.of(KEYS, IntStream.range(0, KEYS).filter(k -> k % 5 == 0)
        .toArray());
    private static final int THREADS = 2;
    private static final int ITERATIONS = 2000;
    private static final int KEYS_PER_SAMPLE = 5;
    private static final int AHEAD = 10;
    private static final int REUSE = 3;

    @TempDir
    Path runs;

    /** How a case's options derive from the distribution. */
    private enum Case
    {
        NAIVE(d -> SamplingOptions.of(d)),
        PRELOC(d -> SamplingOptions.of(d).withScheme(SamplingScheme.PRELOC)),
        POOL(d -> SamplingOptions.of(d).withScheme(SamplingScheme.POOL).withReuse(REUSE)),
        POOL_POSTPONE(d -> SamplingOptions.of(d).withScheme(SamplingScheme.POOL).withReuse(REUSE).withPostpone(true)),
        LOCAL(d -> SamplingOptions.of(d).withScheme(SamplingScheme.LOCAL)),
        LOCAL_SCAN(d -> SamplingOptions.of(d).withScheme(SamplingScheme.LOCAL).withScanRange(0, KEYS));

        final java.util.function.Function<KeyDistribution, SamplingOptions> options;

        Case(final java.util.function.Function<KeyDistribution, SamplingOptions> options)
        {
            this.options = options;
        }

        int reuse()
        {
            return this == POOL || this == POOL_POSTPONE ? REUSE : 1;
        }
    }

    static Stream<Arguments> replayCases()
    {
        final Stream.Builder<Arguments> cases = Stream.builder();
        final Case[] all = Case.values();
        for (int i = 0; i < all.length; i++)
        {
            // Each scheme runs once plain and once replicated, alternating transport and node count.
            final boolean tcpFirst = i % 2 == 0;
            cases.add(Arguments.of(all[i], tcpFirst ? LocalCluster.Kind.TCP : LocalCluster.Kind.SHM, 3, false));
            cases.add(Arguments.of(all[i], tcpFirst ? LocalCluster.Kind.SHM : LocalCluster.Kind.TCP, 4, true));
        }
        return cases.build();
    }

    @ParameterizedTest(name = "{0}, {1}, {2} nodes, replicated {3}")
    @MethodSource("replayCases")
    void everyDrawnKeyIsUsedExactlyReuseTimes(final Case scheme, final LocalCluster.Kind kind, final int n,
        final boolean replicated) throws Exception
    {
        final Replay[] replays = new Replay[n];
        for (int rank = 0; rank < n; rank++)
        {
            replays[rank] = new Replay(rank, ITERATIONS * KEYS_PER_SAMPLE * THREADS);
        }
        final AtomicLongArray[] used = new AtomicLongArray[n];
        final SamplingStats[] stats = new SamplingStats[n];
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            try (LocalCluster cluster = cluster(kind, n, replicated, rank -> scheme.options.apply(replays[rank])))
            {
                for (int rank = 0; rank < n; rank++)
                {
                    used[rank] = new AtomicLongArray(KEYS);
                }
                cluster.runOnAllWorkers((node, worker) ->
                {
                    spreadKeys(node, worker);
                    sample(worker, KEYS_PER_SAMPLE * scheme.reuse(), used[node.rank()]);
                });
                for (int rank = 0; rank < n; rank++)
                {
                    stats[rank] = cluster.node(rank).sampling().stats();
                }
            }
        });
        final int samples = ITERATIONS * KEYS_PER_SAMPLE * THREADS;
        for (int rank = 0; rank < n; rank++)
        {
            final IntPredicate local = localTo(rank, n, replicated);
            final long[] expected = switch (scheme)
            {
                case LOCAL -> replays[rank].firstMatching(samples, local);
                case LOCAL_SCAN -> replays[rank].nextMatching(samples, local);
                default -> replays[rank].first(samples, scheme.reuse());
            };
            for (int key = 0; key < KEYS; key++)
            {
                assertEquals(expected[key], used[rank].get(key), "node " + rank + " used key " + key);
            }
            final SamplingStats s = stats[rank];
            assertEquals((long)samples * scheme.reuse(), s.samples(), "node " + rank + ": " + s.summary());
            switch (scheme)
            {
                case LOCAL ->
                {
                    assertEquals(s.samples(), s.localSamples(), s.summary());
                    // One check per draw: the draws are exactly the sequence up to the last local key used.
                    assertEquals(replays[rank].drawn(), s.checks(), s.summary());
                }
                case LOCAL_SCAN -> assertEquals(s.samples(), s.localSamples(), s.summary());
                case POOL, POOL_POSTPONE ->
                {
                    assertEquals(s.samples(), s.poolUsed(), s.summary());
                    assertTrue(s.reuseAchieved() > 1 && s.reuseAchieved() <= REUSE, s.summary());
                }
                default ->
                {
                    assertEquals(samples, replays[rank].drawn(), "naive and preloc draw exactly what is used");
                }
            }
        }
    }

    static Stream<Arguments> distributionCases()
    {
        return Stream.of(
            Arguments.of("naive", SamplingScheme.NAIVE, false, LocalCluster.Kind.TCP, 3, false),
            Arguments.of("preloc", SamplingScheme.PRELOC, false, LocalCluster.Kind.SHM, 3, true),
            Arguments.of("pool, reuse 1", SamplingScheme.POOL, false, LocalCluster.Kind.TCP, 4, false),
            Arguments.of("local", SamplingScheme.LOCAL, false, LocalCluster.Kind.SHM, 4, true),
            Arguments.of("local, replicas down-weighted", SamplingScheme.LOCAL, true, LocalCluster.Kind.TCP, 3, true));
    }

    /**
     * Each node's samples fit the target (naive, preloc, pool without reuse: i.i.d. draws), or the target restricted
     * to the node's local keys, replicas weighted 1/N if down-weighted (local). Chi-square per node with fixed
     * seeds; {@link ChiSquare} documents the false-failure rate.
     */
    @ParameterizedTest(name = "{0}, {3}, {4} nodes, replicated {5}")
    @MethodSource("distributionCases")
    void samplesFollowTheTargetOrItsLocalRestriction(final String name, final SamplingScheme scheme,
        final boolean downweight, final LocalCluster.Kind kind, final int n, final boolean replicated) throws Exception
    {
        final double[] weights = new double[KEYS];
        for (int k = 0; k < KEYS; k++)
        {
            weights[k] = k % 11 == 4 ? 0 : 1 / Math.pow(1 + k, 0.8);
        }
        final AliasTable target = AliasTable.of(weights);
        final AtomicLongArray[] used = new AtomicLongArray[n];
        assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
        {
            try (LocalCluster cluster = cluster(kind, n, replicated, rank -> SamplingOptions.of(target)
                .withScheme(scheme).withDownweightedReplicas(downweight).withSeed(20221001L)))
            {
                for (int rank = 0; rank < n; rank++)
                {
                    used[rank] = new AtomicLongArray(KEYS);
                }
                cluster.runOnAllWorkers((node, worker) ->
                {
                    spreadKeys(node, worker);
                    sample(worker, KEYS_PER_SAMPLE, used[node.rank()]);
                });
            }
        });
        for (int rank = 0; rank < n; rank++)
        {
            final IntPredicate local = localTo(rank, n, replicated);
            final double[] expected = new double[KEYS];
            double total = 0;
            for (int k = 0; k < KEYS; k++)
            {
                final double weight = scheme != SamplingScheme.LOCAL ? target.probability(k) : !local.test(k) ? 0 :
                    downweight && EVERY_FIFTH.contains(k) ? target.probability(k) / n : target.probability(k);
                expected[k] = weight;
                total += weight;
            }
            final long[] observed = new long[KEYS];
            for (int k = 0; k < KEYS; k++)
            {
                expected[k] /= total;
                observed[k] = used[rank].get(k);
            }
            ChiSquare.assertFits(name + " samples of node " + rank, observed, expected);
        }
    }

    @Test
    void localSamplingOnANodeWithoutLocalKeysFailsNamingIt() throws Exception
    {
        // Classic mode: node 0 holds [0, 500), the distribution draws only [500, 1000).
        final LocalCluster.RankConfiguration configure = (rank, s) -> new NodeSettings(s.layout(), s.threads(),
            s.store(), s.latencySampleEvery(), Duration.ofSeconds(2), null, s.profileInterval(), false, null)
            .withSampling(SamplingOptions.of(KeyDistribution.uniform(500, KEYS)).withScheme(SamplingScheme.LOCAL));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = new LocalCluster(LocalCluster.Kind.TCP, 2, LAYOUT, 1, false, null,
                runs.resolve("run"), UnaryOperator.identity(), configure))
            {
                final NodeWorker holder = cluster.node(1).worker(0);
                final int[] key = new int[1];
                assertEquals(NodeWorker.DONE, holder.pullSample(holder.prepareSample(1), key, new float[LENGTH]));
                assertTrue(key[0] >= 500, "node 1 holds every key drawn");
                final NodeWorker empty = cluster.node(0).worker(0);
                final long id = empty.prepareSample(1);
                final IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> empty.pullSample(id, key, new float[LENGTH]));
                assertTrue(none.getMessage().contains("without finding one held on node 0"), none.getMessage());
            }
        });
    }

    @Test
    void postponingMovesEachNonLocalKeyToTheEndOfItsGroup() throws Exception
    {
        // Classic mode, so locality is fixed (node 0 holds [0, 500), node 1 the rest); reuse 1 and one worker per
        // node, so group j is exactly entries [10j, 10j + 10) of the node's sequence, and the order of its pulls
        // follows from the postponing rule alone.
        final int groups = 1000;
        final int size = 10;
        final Replay[] replays = {new Replay(0, 20_000), new Replay(1, 20_000)};
        final int[][] pulled = new int[2][groups * size];
        final SamplingStats[] stats = new SamplingStats[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = new LocalCluster(LocalCluster.Kind.SHM, 2, LAYOUT, 1, false, null,
                runs.resolve("run"), UnaryOperator.identity(), (rank, s) -> s.withSampling(SamplingOptions
                    .of(replays[rank]).withScheme(SamplingScheme.POOL).withGroupSize(50).withPostpone(true))))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final int[] key = new int[1];
                    final float[] value = new float[LENGTH];
                    for (int g = 0; g < groups; g++)
                    {
                        final long id = worker.prepareSample(size);
                        for (int i = 0; i < size; i++)
                        {
                            worker.waitFor(worker.pullSample(id, key, value));
                            pulled[node.rank()][g * size + i] = key[0];
                        }
                    }
                    worker.barrier();
                });
                stats[0] = cluster.node(0).sampling().stats();
                stats[1] = cluster.node(1).sampling().stats();
            }
        });
        for (int rank = 0; rank < 2; rank++)
        {
            final int node = rank;
            final IntPredicate local = k -> k / (KEYS / 2) == node;
            long postponed = 0;
            for (int g = 0; g < groups; g++)
            {
                final int[] group = new int[size];
                for (int i = 0; i < size; i++)
                {
                    group[i] = replays[rank].at(g * size + i);
                }
                final int[] expected = postponedOrder(group, local);
                postponed += expected.length - size;
                final int[] actual = java.util.Arrays.copyOfRange(pulled[rank], g * size, (g + 1) * size);
                assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(expected, size)),
                    java.util.Arrays.toString(actual), "node " + rank + ", group " + g + " of " +
                    java.util.Arrays.toString(group));
            }
            assertTrue(postponed > 0, "some keys were remote");
            assertEquals(postponed, stats[rank].postponed(), stats[rank].summary());
        }
    }

    /**
     * The reference's rule, as an oracle: take the next key; if it is not local and more keys follow and it is one
     * of the group's own, append it to the group and take the next instead. Returns the keys in the order used,
     * followed by one entry per postponement (so its length tells how many happened).
     */
    private static int[] postponedOrder(final int[] group, final IntPredicate local)
    {
        final java.util.List<Integer> keys = new java.util.ArrayList<>();
        for (final int key : group)
        {
            keys.add(key);
        }
        final int[] order = new int[group.length * 2];
        int used = 0;
        int postponements = 0;
        for (int pull = 0; pull < group.length; pull++)
        {
            if (used < group.length && used + 1 < keys.size())
            {
                final int key = keys.get(used++);
                if (local.test(key))
                {
                    order[pull] = key;
                    continue;
                }
                keys.add(key);
                postponements++;
            }
            order[pull] = keys.get(used++);
        }
        return java.util.Arrays.copyOf(order, group.length + postponements);
    }

    @Test
    void thePoolUsesEachDrawnKeyReuseTimesWithinItsGroupWindow()
    {
        // One node, one worker taking the pool in order: the positions [150j, 150j + 150) hold exactly three
        // copies of entries [50j, 50j + 50) of the sequence, whatever the agent's permutations.
        final Replay replay = new Replay(0, 30_000);
        final NodeSettings settings = new NodeSettings(LAYOUT, 1, io.nups.store.StoreOptions.DEFAULT, 16,
            Duration.ofSeconds(10), null, Duration.ofSeconds(1), true, null).withSampling(SamplingOptions.of(replay)
            .withScheme(SamplingScheme.POOL).withGroupSize(50).withReuse(REUSE));
        final int windows = 400;
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            try (Node node = new Node(settings))
            {
                final NodeWorker worker = node.worker(0);
                final int window = 50 * REUSE;
                final int[] keys = new int[10];
                final float[] values = new float[keys.length * LENGTH];
                final int[] taken = new int[windows * window];
                for (int p = 0; p < taken.length; p += keys.length)
                {
                    worker.pullSample(worker.prepareSample(keys.length), keys, values);
                    System.arraycopy(keys, 0, taken, p, keys.length);
                }
                for (int w = 0; w < windows; w++)
                {
                    final long[] expected = new long[KEYS];
                    for (int i = 0; i < 50; i++)
                    {
                        expected[replay.at(w * 50 + i)] += REUSE;
                    }
                    final long[] actual = new long[KEYS];
                    for (int p = w * window; p < (w + 1) * window; p++)
                    {
                        actual[taken[p]]++;
                    }
                    assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(actual), "window " + w);
                }
                final SamplingStats stats = node.sampling().stats();
                assertEquals(taken.length, stats.poolUsed(), stats.summary());
            }
        });
    }

    /** Worker 0 of each node gives its keys (k ≡ rank mod N) the value (k, −k) and moves them here. */
    private static void spreadKeys(final Node node, final NodeWorker worker)
    {
        if (worker.index() == 0)
        {
            final int n = node.nodes();
            final int[] mine = IntStream.range(0, KEYS).filter(k -> k % n == node.rank()).toArray();
            final float[] values = new float[mine.length * LENGTH];
            for (int i = 0; i < mine.length; i++)
            {
                values[i * LENGTH] = mine[i];
                values[i * LENGTH + 1] = -mine[i];
            }
            worker.waitFor(worker.set(mine, values));
            worker.waitFor(worker.localize(mine));
        }
        worker.barrier();
        node.waitReplicaSync();
        worker.barrier();
    }

    /**
     * The reference's worker loop: {@code ITERATIONS} groups of {@code groupSize} keys, prepared {@code AHEAD}
     * groups ahead, consumed one key at a time; counts each key used and checks its value.
     */
    private static void sample(final NodeWorker worker, final int groupSize, final AtomicLongArray used)
    {
        final long[] ids = new long[ITERATIONS];
        final int[] key = new int[1];
        final float[] value = new float[LENGTH];
        int prepared = 0;
        for (int i = 0; i < ITERATIONS; i++)
        {
            while (prepared <= i + AHEAD && prepared < ITERATIONS)
            {
                ids[prepared++] = worker.prepareSample(groupSize);
            }
            for (int j = 0; j < groupSize; j++)
            {
                worker.waitFor(worker.pullSample(ids[i], key, value));
                used.incrementAndGet(key[0]);
                if (value[0] != key[0] || value[1] != -key[0])
                {
                    throw new AssertionError("sample of key " + key[0] + " came with value (" + value[0] + ", " +
                        value[1] + ")");
                }
            }
        }
        worker.waitAll();
        worker.barrier();
    }

    private LocalCluster cluster(final LocalCluster.Kind kind, final int n, final boolean replicated,
        final IntFunction<SamplingOptions> sampling)
    {
        final LocalCluster.RankConfiguration configure = (rank, settings) ->
        {
            final NodeSettings withSampling = settings.withSampling(sampling.apply(rank));
            return replicated ? withSampling.withReplication(ReplicationOptions.of(EVERY_FIFTH)
                .withSyncsPerSecond(100)) : withSampling;
        };
        return new LocalCluster(kind, n, LAYOUT, THREADS, true, null, runs.resolve("run-" + System.nanoTime()),
            UnaryOperator.identity(), configure);
    }

    private static IntPredicate localTo(final int rank, final int n, final boolean replicated)
    {
        return k -> k % n == rank || (replicated && EVERY_FIFTH.contains(k));
    }

    /**
     * NuPS's test sequence for one node: keys uniform over [0, 1000) with a third of them never drawn, and key k
     * kept with probability (1000 − k)/1000 (skew towards low keys). Replayed, wrapping, by one position counter
     * shared by every drawing thread of the node.
     */
    static final class Replay implements KeyDistribution, KeyDraw
    {
        private final int[] sequence;
        private final AtomicInteger position = new AtomicInteger();

        Replay(final int rank, final int length)
        {
            final SplittableRandom random = new SplittableRandom(17727L ^ rank);
            final Set<Integer> never = new HashSet<>();
            while (never.size() < KEYS / 3)
            {
                never.add(random.nextInt(KEYS));
            }
            sequence = new int[length];
            int filled = 0;
            while (filled < length)
            {
                final int k = random.nextInt(KEYS);
                if (!never.contains(k) && random.nextInt(KEYS) >= k)
                {
                    sequence[filled++] = k;
                }
            }
        }

        @Override
        public KeyDraw newDraw(final long seed)
        {
            return this;
        }

        @Override
        public int nextKey()
        {
            return sequence[Math.floorMod(position.getAndIncrement(), sequence.length)];
        }

        int drawn()
        {
            return position.get();
        }

        int at(final int i)
        {
            return sequence[i % sequence.length];
        }

        /** Counts of the first {@code count} entries, each × {@code times}. */
        long[] first(final int count, final int times)
        {
            final long[] counts = new long[KEYS];
            for (int i = 0; i < count; i++)
            {
                counts[at(i)] += times;
            }
            return counts;
        }

        /** Counts of the first {@code count} entries that are {@code local}, wrapping. */
        long[] firstMatching(final int count, final IntPredicate local)
        {
            final long[] counts = new long[KEYS];
            int found = 0;
            for (int i = 0; found < count; i++)
            {
                if (local.test(at(i)))
                {
                    counts[at(i)]++;
                    found++;
                }
            }
            return counts;
        }

        /** Counts of the next {@code local} key at or after each of the first {@code count} entries, wrapping. */
        long[] nextMatching(final int count, final IntPredicate local)
        {
            final long[] counts = new long[KEYS];
            for (int i = 0; i < count; i++)
            {
                int k = at(i);
                while (!local.test(k))
                {
                    k = (k + 1) % KEYS;
                }
                counts[k]++;
            }
            return counts;
        }
    }
}
