package io.nups.node;

import io.nups.store.KeyLayout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Location caches (reference §1.3): learned from pull responses and hand-overs; stale entries stay exact. */
class LocationCacheTest
{
    private static final int LENGTH = 4;

    @TempDir
    Path runDirectory;

    private LocalCluster cluster(final LocalCluster.Kind kind, final int nodes, final int numKeys, final int threads)
    {
        return new LocalCluster(kind, nodes, KeyLayout.uniform(numKeys, LENGTH), threads, true, null, runDirectory,
            UnaryOperator.identity(), settings -> settings.withLocationCaches(true));
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void staleCacheEntriesAreForwardedAndApplyEveryPushExactlyOnce(final LocalCluster.Kind kind) throws Exception
    {
        try (LocalCluster cluster = cluster(kind, 4, 12, 1))
        {
            final int key = 0; // homed at node 0
            final NodeWorker reader = cluster.node(2).worker(0);
            final float[] out = new float[LENGTH];
            final float[] one = {1, 1, 1, 1};
            reader.waitFor(reader.pull(key, out));
            assertEquals(0, cluster.node(2).manager().cachedOwner(key), "the pull response names its sender");

            final NodeWorker first = cluster.node(1).worker(0);
            first.waitFor(first.localize(new int[] {key}));
            reader.waitFor(reader.push(key, one)); // cache names node 0: the manager forwards
            reader.waitFor(reader.pull(key, out));
            assertArrayEquals(one, out);
            assertEquals(1, cluster.node(2).manager().cachedOwner(key), "re-learned from the new owner's response");

            final NodeWorker second = cluster.node(3).worker(0);
            second.waitFor(second.localize(new int[] {key}));
            assertEquals(3, cluster.node(1).manager().cachedOwner(key), "the hand-over names the new owner");

            // Node 2's entry (node 1) is stale now: node 1 forwards without its cache, via the manager.
            int pushes = 1;
            final long[] handles = new long[5];
            for (int i = 0; i < handles.length; i++)
            {
                handles[i] = reader.push(key, one);
                pushes++;
            }
            for (final long handle : handles)
            {
                reader.waitFor(handle);
            }
            first.waitFor(first.push(key, one)); // node 1's own cache names node 3 directly
            pushes++;
            reader.waitFor(reader.pull(key, out));
            assertArrayEquals(new float[] {pushes, pushes, pushes, pushes}, out);
            assertEquals(3, cluster.node(2).manager().cachedOwner(key));
            for (int rank = 0; rank < cluster.size(); rank++)
            {
                final NodeWorker worker = cluster.node(rank).worker(0);
                worker.waitFor(worker.pull(key, out));
                assertEquals(pushes, out[0], "key " + key + " seen from node " + rank);
            }
        }
    }

    /**
     * Every worker owns one key and checks read-your-writes on it while all keys keep moving, and everyone
     * pushes asynchronously to two shared keys; with caches on, every push lands exactly once.
     */
    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void exactlyOnceAndReadYourWritesUnderRelocationWithCachesOn(final LocalCluster.Kind kind) throws Exception
    {
        final int nodes = 3;
        final int threads = 2;
        final int owned = nodes * threads;
        final int numKeys = owned + 2;
        final int rounds = 200;
        final AtomicLongArray shared = new AtomicLongArray(numKeys);
        try (LocalCluster cluster = cluster(kind, nodes, numKeys, threads))
        {
            cluster.runOnAllWorkers((node, worker) ->
            {
                final int own = node.rank() * threads + worker.index();
                final SplittableRandom random = new SplittableRandom(own * 17L + 3);
                final float[] ones = {1, 1, 1, 1};
                final float[] out = new float[LENGTH];
                for (int i = 1; i <= rounds; i++)
                {
                    final long localized = worker.localize(new int[] {random.nextInt(numKeys)});
                    if (random.nextBoolean())
                    {
                        worker.waitFor(localized);
                    }
                    final int hot = owned + random.nextInt(2);
                    worker.push(hot, ones); // not waited for
                    shared.incrementAndGet(hot);
                    worker.waitFor(worker.push(own, ones));
                    worker.waitFor(worker.pull(own, out));
                    assertEquals(i, out[0], "read-your-writes of key " + own);
                    worker.waitFor(worker.pull(random.nextInt(numKeys), out));
                }
                worker.waitAll();
                worker.barrier();
            });
            final float[] out = new float[LENGTH];
            long held = 0;
            for (int rank = 0; rank < nodes; rank++)
            {
                final NodeWorker worker = cluster.node(rank).worker(0);
                for (int key = 0; key < numKeys; key++)
                {
                    worker.waitFor(worker.pull(key, out));
                    final long expected = key < owned ? rounds : shared.get(key);
                    for (final float value : out)
                    {
                        assertEquals(expected, value, "key " + key + " seen from node " + rank);
                    }
                }
                held += cluster.node(rank).store().usedSlots();
            }
            assertEquals(numKeys, held, "every key is held by exactly one node");
            assertTrue(cluster.node(0).manager().locationCaches());
        }
    }
}
