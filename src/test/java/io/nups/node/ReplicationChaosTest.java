package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.store.KeyLayout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replicated and relocated keys in the same operations while {@link ChaosTransport} delays and reorders every
 * node's messages across node pairs (FIFO per pair kept) and announces a small message limit, so that each
 * round's SYNC payloads go in several fragments and relocation traffic (localize, hand-over, transfer,
 * forwarded requests) arrives between them. Every key still ends with exactly the sum of all pushes: replicas
 * on every node after WaitReplicaSync, relocated keys at exactly one node. A {@link ReplicaTap} checks that
 * replicated keys never left SYNC frames and that fragments and interleavings really happened.
 */
class ReplicationChaosTest
{
    /** 200 keys of 12 values; every fifth replicated: 40 replicas, a 52-byte SYNC entry each. */
    private static final KeyLayout LAYOUT = KeyLayout.uniform(200, 12);
    private static final HotKeys EVERY_FIFTH = HotKeys.of(200, IntStream.range(0, 200).filter(k -> k % 5 == 0)
        .toArray());
    /** About 19 SYNC entries per frame: a round's payload of most replicas takes two or three fragments. */
    private static final int MESSAGE_LIMIT = 1024;
    private static final int ITERATIONS = 400;
    private static final int MAX_KEYS_PER_OP = 12;
    private static final int WINDOW = 10;

    @TempDir
    Path runDirectory;

    static Stream<Arguments> cases()
    {
        return Stream.of(
            Arguments.of(1L, LocalCluster.Kind.TCP, 3),
            Arguments.of(2L, LocalCluster.Kind.SHM, 3),
            Arguments.of(3L, LocalCluster.Kind.TCP, 5),
            Arguments.of(4L, LocalCluster.Kind.SHM, 5));
    }

    @ParameterizedTest(name = "seed {0}, {1}, {2} nodes")
    @MethodSource("cases")
    void replicatedAndRelocatedKeysEndWithExactlyEveryPush(final long seed, final LocalCluster.Kind kind,
        final int n)
    {
        final ReplicaTap tap = new ReplicaTap(LAYOUT, EVERY_FIFTH, n);
        final ChaosTransport.Options chaos = ChaosTransport.Options.DEFAULT.withMessageLimit(MESSAGE_LIMIT);
        final AtomicLongArray pushed = new AtomicLongArray((int)LAYOUT.totalFloats());
        assertTimeoutPreemptively(Duration.ofSeconds(90), () ->
        {
            try (LocalCluster cluster = ReferenceSuiteTest.Replicas.cluster(kind, n, LAYOUT, 2,
                ReplicationOptions.of(EVERY_FIFTH).withSyncsPerSecond(50), runDirectory,
                transport -> new ChaosTransport(transport, seed, chaos, tap)))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    pushAndLocalize(worker, new SplittableRandom(seed * 7919 + node.rank() * 101 + worker.index()),
                        pushed);
                    worker.waitAll();
                    worker.barrier();
                    node.waitReplicaSync();
                });
                for (int key = 0; key < LAYOUT.numKeys(); key++)
                {
                    final float[] expected = new float[LAYOUT.length(key)];
                    for (int j = 0; j < expected.length; j++)
                    {
                        expected[j] = pushed.get(key * expected.length + j);
                    }
                    if (EVERY_FIFTH.contains(key))
                    {
                        ReferenceSuiteTest.Replicas.assertEverywhere(cluster, key, expected);
                    }
                    else
                    {
                        ReferenceSuiteTest.Relocation.assertHeldOnceWithValue(cluster, key, expected);
                    }
                }
            }
        });
        System.out.println("replication chaos seed " + seed + ", " + kind + ", " + n + " nodes: " + tap);
        tap.assertReplicasStayedLocal();
        tap.assertRoundsRan(3);
        assertTrue(tap.laterFragments() > 0, "no SYNC payload was split into fragments: " + tap);
        assertTrue(tap.interleaved() > 0, "no relocation traffic arrived between SYNC fragments: " + tap);
    }

    /**
     * Random key sets mixing both kinds, async localizes of a third of them, positive integer pushes (at most
     * {@link #WINDOW} outstanding), and now and then a waited pull that must show at least this worker's own
     * pushes (read-your-writes, for replicas on the fast path and relocated keys wherever they are).
     */
    private static void pushAndLocalize(final NodeWorker worker, final SplittableRandom random,
        final AtomicLongArray pushed)
    {
        final int length = LAYOUT.length(0);
        final long[] own = new long[pushed.length()];
        final ArrayDeque<Long> outstanding = new ArrayDeque<>();
        for (int i = 0; i < ITERATIONS; i++)
        {
            final int[] keys = randomKeys(random);
            if (random.nextInt(3) == 0)
            {
                worker.localize(keys);
            }
            final float[] delta = new float[keys.length * length];
            for (int k = 0; k < keys.length; k++)
            {
                for (int j = 0; j < length; j++)
                {
                    final int d = 1 + random.nextInt(9);
                    delta[k * length + j] = d;
                    own[keys[k] * length + j] += d;
                    pushed.addAndGet(keys[k] * length + j, d);
                }
            }
            if (outstanding.size() == WINDOW)
            {
                worker.waitFor(outstanding.poll());
            }
            outstanding.add(worker.push(keys, delta));
            if (i % 20 == 19)
            {
                worker.waitAll();
                outstanding.clear();
                final float[] out = new float[keys.length * length];
                worker.waitFor(worker.pull(keys, out));
                for (int k = 0; k < keys.length; k++)
                {
                    final int at = keys[k] * length;
                    assertTrue(out[k * length] >= own[at], "key " + keys[k] + " at node " + worker.node().rank() +
                        " reads " + out[k * length] + " < its own pushes " + own[at]);
                }
            }
        }
    }

    /** 1..{@link #MAX_KEYS_PER_OP} distinct keys in random order. */
    private static int[] randomKeys(final SplittableRandom random)
    {
        return random.ints(0, LAYOUT.numKeys()).distinct().limit(1 + random.nextInt(MAX_KEYS_PER_OP)).toArray();
    }
}
