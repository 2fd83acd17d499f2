package io.nups.node;

import io.nups.manage.PsMessageView;
import io.nups.manage.PsMessageView.Kind;
import io.nups.store.KeyLayout;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relocation checks of the reference suite again, with every node's messages delayed and reordered
 * across node pairs by {@link ChaosTransport} (FIFO per pair kept), under several seeds: requests chase
 * moving keys, operations queue on open transfers and are replayed, and concurrent localizes form relay
 * chains through nodes still waiting for the value. A {@link ProtocolTap} counts how often each of these
 * interleavings really happened; the class fails if, over all cases, one of them never did.
 */
class RelocationChaosTest
{
    private static final ProtocolTap.Counts TOTAL = new ProtocolTap.Counts();
    /** Cases that report tap counts: 4 seeds x 3 checks, 2 seeds x 2 checks. */
    private static final int TAPPED_CASES = 16;
    private static final AtomicInteger TAPPED = new AtomicInteger();

    @TempDir
    Path runDirectory;

    static Stream<Arguments> seeds()
    {
        return Stream.of(
            Arguments.of(1L, LocalCluster.Kind.TCP, 4),
            Arguments.of(2L, LocalCluster.Kind.SHM, 3),
            Arguments.of(3L, LocalCluster.Kind.TCP, 3),
            Arguments.of(4L, LocalCluster.Kind.SHM, 4));
    }

    private LocalCluster chaosCluster(final long seed, final LocalCluster.Kind kind, final int n,
        final KeyLayout layout, final int threads, final boolean relocation, final ProtocolTap tap)
    {
        return new LocalCluster(kind, n, layout, threads, relocation, null, runDirectory,
            transport -> new ChaosTransport(transport, seed, ChaosTransport.Options.DEFAULT, tap));
    }

    /** test_dynamic_allocation under chaos: exactly-once pushes while every node keeps grabbing key 9. */
    @ParameterizedTest(name = "seed {0}, {1}, {2} nodes")
    @MethodSource("seeds")
    void dynamicAllocation(final long seed, final LocalCluster.Kind kind, final int n)
    {
        final KeyLayout layout = KeyLayout.uniform(16, 2);
        final ProtocolTap tap = new ProtocolTap(layout, n);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = chaosCluster(seed, kind, n, layout, 2, true, tap))
            {
                ReferenceSuiteTest.Relocation.dynamicAllocation(cluster, 1_500, 10);
            }
        });
        tap.report("dynamicAllocation seed " + seed, TOTAL);
    }

    /**
     * Relay chains: every node localizes the same keys of mixed lengths at once, round after round, and
     * pushes to them; each key ends at exactly one node holding exactly all pushes.
     */
    @ParameterizedTest(name = "seed {0}, {1}, {2} nodes")
    @MethodSource("seeds")
    void relayChains(final long seed, final LocalCluster.Kind kind, final int n)
    {
        final KeyLayout layout = ReferenceSuiteTest.variableLayout();
        final ProtocolTap tap = new ProtocolTap(layout, n);
        final int[] keys = {41, 70, 72, 30, 120, 99};
        final int rounds = 40;
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = chaosCluster(seed, kind, n, layout, 1, true, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final float[] ones = new float[(int)layout.totalLength(keys, keys.length)];
                    Arrays.fill(ones, 1);
                    final float[] out = new float[ones.length];
                    for (int round = 0; round < rounds; round++)
                    {
                        // Everybody wants the keys now: the manager serializes them into a chain.
                        worker.waitFor(worker.localize(keys));
                        worker.push(keys, ones);
                        worker.pull(keys, out);
                    }
                    worker.waitAll();
                    worker.barrier();
                });
                for (final int key : keys)
                {
                    final float[] expected = new float[layout.length(key)];
                    Arrays.fill(expected, (float)n * rounds);
                    ReferenceSuiteTest.Relocation.assertHeldOnceWithValue(cluster, key, expected);
                }
            }
        });
        tap.report("relayChains seed " + seed, TOTAL);
    }

    static Stream<Arguments> threeNodeSeeds()
    {
        return Stream.of(Arguments.of(6L, LocalCluster.Kind.TCP), Arguments.of(7L, LocalCluster.Kind.SHM));
    }

    /** The reference's variable-length suite under chaos: (a)–(d) and the relay chain 70: node 0 → node 2. */
    @ParameterizedTest(name = "seed {0}, {1}, 3 nodes")
    @MethodSource("threeNodeSeeds")
    void variableLengthValues(final long seed, final LocalCluster.Kind kind)
    {
        final KeyLayout layout = ReferenceSuiteTest.variableLayout();
        final ProtocolTap tap = new ProtocolTap(layout, 3);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = chaosCluster(seed, kind, 3, layout, 1, true, tap))
            {
                final ReferenceSuiteTest.VariableLength suite = new ReferenceSuiteTest.VariableLength(cluster);
                suite.singleNode();
                suite.twoNodes();
                suite.reset();
                suite.localizeInIsolation();
                suite.localizeUnderContention(150);
                suite.relayChain();
                suite.reset();
            }
        });
        tap.report("variableLengthValues seed " + seed, TOTAL);
    }

    /**
     * Requests chase moving keys: the manager's own workers push to keys it manages, reading the owner
     * from its directory, while two other nodes pass the keys back and forth; a push can reach an owner
     * that has just handed the key over, which must forward it home again. Every push lands exactly once.
     */
    @ParameterizedTest(name = "seed {0}, {1}, 3 nodes")
    @MethodSource("threeNodeSeeds")
    void requestsChaseMovingKeys(final long seed, final LocalCluster.Kind kind)
    {
        final KeyLayout layout = KeyLayout.uniform(12, 2);
        final ProtocolTap tap = new ProtocolTap(layout, 3);
        final int[] keys = {0, 1, 2, 3}; // homed at node 0
        final int moves = 40;
        final AtomicLong pushes = new AtomicLong();
        final AtomicInteger moversDone = new AtomicInteger();
        final AtomicInteger turns = new AtomicInteger();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = chaosCluster(seed, kind, 3, layout, 2, true, tap))
            {
                cluster.runOnAllWorkers((node, worker) ->
                {
                    final boolean mover = node.rank() > 0 && worker.index() == 0;
                    if (mover && node.rank() == 2)
                    {
                        worker.waitFor(worker.localize(keys)); // away from home before node 0 pushes
                    }
                    worker.barrier();
                    if (node.rank() == 0)
                    {
                        // Push while the keys are away and moving, until both movers are done (bounded).
                        final float[] ones = new float[keys.length * 2];
                        Arrays.fill(ones, 1);
                        for (int i = 0; i < 5_000 && moversDone.get() < 2; i++)
                        {
                            worker.push(keys, ones);
                            pushes.incrementAndGet();
                            if (i % 8 == 7)
                            {
                                LockSupport.parkNanos(200_000); // a steady stream, not one burst
                            }
                        }
                    }
                    else if (mover)
                    {
                        // Take turns, so that every localize really moves the keys (bounded wait per turn).
                        for (int turn = node.rank() - 1; turn < 2 * moves; turn += 2)
                        {
                            final long deadline = System.nanoTime() + 20_000_000_000L;
                            while (turns.get() < turn && System.nanoTime() < deadline)
                            {
                                LockSupport.parkNanos(20_000); // do not hog one of two cores
                            }
                            worker.waitFor(worker.localize(keys));
                            turns.incrementAndGet();
                        }
                        moversDone.incrementAndGet();
                    }
                    worker.waitAll();
                    worker.barrier();
                });
                for (final int key : keys)
                {
                    ReferenceSuiteTest.Relocation.assertHeldOnceWithValue(cluster, key,
                        new float[] {pushes.get(), pushes.get()});
                }
            }
        });
        tap.report("requestsChaseMovingKeys seed " + seed, TOTAL);
    }

    /** test_many_key_operations under chaos: (i) values intact, (ii) monotonic, (iii) back to the snapshot. */
    @ParameterizedTest(name = "seed {0}, {1}, {2} nodes")
    @MethodSource("seeds")
    void manyKeyOperations(final long seed, final LocalCluster.Kind kind, final int n)
    {
        final KeyLayout layout = KeyLayout.uniform(ReferenceSuiteTest.ManyKeys.KEYS,
            ReferenceSuiteTest.ManyKeys.LENGTH);
        final ProtocolTap tap = new ProtocolTap(layout, n);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = chaosCluster(seed, kind, n, layout, 2, true, tap))
            {
                new ReferenceSuiteTest.ManyKeys(cluster, 150, seed).runAll();
            }
        });
        tap.report("manyKeyOperations seed " + seed, TOTAL);
    }

    /** Classic mode under chaos: keys never move, every push still lands exactly once at the home node. */
    @Test
    void classicModeUnderChaos()
    {
        final KeyLayout layout = KeyLayout.uniform(ReferenceSuiteTest.ManyKeys.KEYS,
            ReferenceSuiteTest.ManyKeys.LENGTH);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            try (LocalCluster cluster = chaosCluster(5, LocalCluster.Kind.TCP, 3, KeyLayout.uniform(16, 2), 2, false,
                null))
            {
                ReferenceSuiteTest.Relocation.dynamicAllocation(cluster, 1_000, 10);
            }
            try (LocalCluster cluster = chaosCluster(5, LocalCluster.Kind.TCP, 3, layout, 2, false, null))
            {
                new ReferenceSuiteTest.ManyKeys(cluster, 150, 5).runAll();
                for (int key = 0; key < layout.numKeys(); key++)
                {
                    // Homes by range partition: ceil(100 / 3) = 34 keys per node.
                    assertTrue(cluster.node(key / 34).store().isLocal(key), "key " + key + " stays at home");
                }
            }
        });
    }

    /** Every case closes its cluster, and with it every chaos delivery thread. */
    @AfterEach
    void noChaosThreadOutlivesItsCluster() throws InterruptedException
    {
        final long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> alive;
        while (!(alive = chaosThreads()).isEmpty() && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertTrue(alive.isEmpty(), "chaos threads still running: " + alive);
    }

    private static List<String> chaosThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith("chaos-r")).map(Thread::getName).toList();
    }

    @AfterAll
    static void everyInterleavingWasHit()
    {
        System.out.println("relocation chaos, " + TAPPED + " cases: " + TOTAL);
        if (TAPPED.get() < TAPPED_CASES)
        {
            return; // a subset ran (or failed early): too few cases to expect every interleaving
        }
        // Evidence that the chaos reached the rare paths, summed over all cases (each is common per case).
        assertTrue(TOTAL.chases.get() > 0, "no request chased a moved key: " + TOTAL);
        assertTrue(TOTAL.queued.get() > 0, "no remote request was queued on an open transfer: " + TOTAL);
        assertTrue(TOTAL.subsequent.get() > 0, "no localize reached a node still waiting for the key: " + TOTAL);
    }

    /**
     * Decodes parameter-server messages as they cross the transport and keeps a model of which node holds
     * and which expects each key, to count the interleavings of interest. It reads messages through
     * {@link PsMessageView}, which uses the real wire layout, and only observes, never changes a message.
     */
    static final class ProtocolTap implements ChaosTransport.Tap
    {
        static final class Counts
        {
            /** A request reached a non-home node that neither held nor expected the key: it was forwarded on. */
            final AtomicLong chases = new AtomicLong();
            /** A request reached a node while the key was in transfer to it: queued, replayed on TRANSFER. */
            final AtomicLong queued = new AtomicLong();
            /** A HAND_OVER or LOCALIZE reached a node still waiting for the key: a relay chain. */
            final AtomicLong subsequent = new AtomicLong();

            void add(final Counts other)
            {
                chases.addAndGet(other.chases.get());
                queued.addAndGet(other.queued.get());
                subsequent.addAndGet(other.subsequent.get());
            }

            @Override
            public String toString()
            {
                return "chases " + chases + ", queued on transfer " + queued + ", subsequent localizes " + subsequent;
            }
        }

        private final int numKeys;
        private final int chunk;
        private final boolean[][] holds;
        private final boolean[][] expects;
        /** The node will pass the key on as soon as it arrives (a subsequent localize was noted). */
        private final boolean[][] relays;
        private final Counts counts = new Counts();
        private final KeyLayout layout;

        ProtocolTap(final KeyLayout layout, final int nodes)
        {
            this.numKeys = layout.numKeys();
            this.chunk = (numKeys + nodes - 1) / nodes;
            this.holds = new boolean[nodes][numKeys];
            this.expects = new boolean[nodes][numKeys];
            this.relays = new boolean[nodes][numKeys];
            this.layout = layout;
            for (int key = 0; key < numKeys; key++)
            {
                holds[key / chunk][key] = true;
            }
        }

        @Override
        public synchronized void sent(final int from, final int to, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final Kind type = PsMessageView.kind(buffer, offset);
            final int origin = PsMessageView.origin(buffer, offset);
            for (final int key : keys(buffer, offset, length))
            {
                if (type == Kind.TRANSFER)
                {
                    holds[from][key] = false; // given away, or relayed on
                }
                else if ((type == Kind.LOCALIZE || type == Kind.HAND_OVER) && origin == from)
                {
                    expects[from][key] = true; // this node's own localize
                }
            }
        }

        /**
         * The node's server handles messages in exactly this order (the chaos transport taps and queues them
         * under one lock), so the model follows what the server will do with each message, not when.
         */
        @Override
        public synchronized void received(final int from, final int to, final DirectBuffer buffer, final int offset,
            final int length)
        {
            final Kind type = PsMessageView.kind(buffer, offset);
            for (final int key : keys(buffer, offset, length))
            {
                final boolean waiting = expects[to][key] && !holds[to][key];
                switch (type)
                {
                    case TRANSFER ->
                    {
                        holds[to][key] = !relays[to][key]; // kept, or passed on to the next requester
                        expects[to][key] = false;
                        relays[to][key] = false;
                    }
                    case PULL_REQUEST, PUSH_REQUEST, SET_REQUEST ->
                    {
                        if (waiting)
                        {
                            counts.queued.incrementAndGet();
                        }
                        else if (!holds[to][key] && key / chunk != to)
                        {
                            counts.chases.incrementAndGet();
                        }
                    }
                    case HAND_OVER, LOCALIZE ->
                    {
                        if (holds[to][key])
                        {
                            holds[to][key] = false; // given away
                        }
                        else if (waiting && !relays[to][key])
                        {
                            // A LOCALIZE at a waiting manager with a relay noted goes on as a HAND_OVER.
                            relays[to][key] = true;
                            counts.subsequent.incrementAndGet();
                        }
                    }
                    default ->
                    {
                    }
                }
            }
        }

        private List<Integer> keys(final DirectBuffer buffer, final int offset, final int length)
        {
            return PsMessageView.keys(buffer, offset, length, layout);
        }

        void report(final String what, final Counts total)
        {
            System.out.println(what + ": " + counts);
            total.add(counts);
            TAPPED.incrementAndGet();
        }
    }
}
