package io.nups.manage;

import io.nups.store.KeyLayout;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.nups.manage.SyncMessageDescriptor.COUNT_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.FLAGS_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.FRAGMENT_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.HEADER_LENGTH;
import static io.nups.manage.SyncMessageDescriptor.LAST_FLAG;
import static io.nups.manage.SyncMessageDescriptor.ROUND_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.SENDER_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.SETUP_FLAG;
import static io.nups.manage.SyncMessageDescriptor.STEP_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.STOP_FLAG;
import static io.nups.manage.SyncMessageDescriptor.TYPE_OFFSET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SparseAllReduceTest
{
    private static final String THREAD_PREFIX = "allreduce-test-";
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);
    private static final long SHORT_WAIT = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int ROUNDS = 6;
    /** 400 keys of 1 to 5 floats. */
    private static final KeyLayout LAYOUT = randomLayout(400, 5, 11);
    /** For hand-built frames: 50 keys of 2 floats. */
    private static final KeyLayout PAIRS = KeyLayout.uniform(50, 2);

    @AfterEach
    void noThreadOutlivesItsTest()
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().startsWith(THREAD_PREFIX) && thread.isAlive())
            {
                fail("thread " + thread.getName() + " is still running");
            }
        }
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9})
    void everyNodeEndsEachRoundWithTheExactSum(final int nodes)
    {
        final Workload workload = new Workload(LAYOUT, nodes, ROUNDS, 1000 + nodes, 150);
        try (Network network = new Network(nodes, LAYOUT, 1 << 16, 7 * nodes, WAIT))
        {
            final Outcome outcome = network.run(workload.contributions, workload.votes);
            outcome.assertSums(workload);
            if (nodes == 1)
            {
                assertEquals(0, network.node(0).framesSent(), "one node sends nothing");
            }
        }
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {2, 3, 6, 8})
    void payloadsLongerThanAMessageGoInFragments(final int nodes)
    {
        final int maxMessageLength = HEADER_LENGTH + 48; // two to nine entries of 1 to 5 floats
        final Workload workload = new Workload(LAYOUT, nodes, ROUNDS, 2000 + nodes, 120);
        try (Network network = new Network(nodes, LAYOUT, maxMessageLength, 3 * nodes, WAIT))
        {
            network.run(workload.contributions, workload.votes).assertSums(workload);
            for (int node = 0; node < nodes; node++)
            {
                final SparseAllReduce reducer = network.node(node);
                assertTrue(reducer.framesSent() > 2L * ROUNDS * (1 + log2(nodes)),
                    "node " + node + " sent " + reducer.framesSent() + " frames");
                assertTrue(reducer.bytesSent() <= reducer.framesSent() * maxMessageLength);
            }
        }
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {2, 5, 6})
    void emptyContributionsStillCompleteTheRound(final int nodes)
    {
        final Workload workload = new Workload(LAYOUT, nodes, ROUNDS, 3000 + nodes, 0);
        // Round 3: only the last node contributes.
        workload.contributions[nodes - 1][3] = SparseVectorTest.vector(LAYOUT, 0, 1f, 399, -2f);
        workload.expected[3] = SparseVectorTest.vector(LAYOUT, 0, 1f, 399, -2f);
        try (Network network = new Network(nodes, LAYOUT, 1 << 16, nodes, WAIT))
        {
            network.run(workload.contributions, workload.votes).assertSums(workload);
        }
    }

    @Test
    void unevenFloatsEndBitwiseIdenticalEverywhere()
    {
        final int nodes = 7;
        final Workload workload = new Workload(LAYOUT, nodes, ROUNDS, 4000, 200);
        final Random random = new Random(99);
        for (final SparseVector[] perRound : workload.contributions)
        {
            for (final SparseVector contribution : perRound)
            {
                final float[] values = contribution.values();
                for (int i = 0; i < contribution.size(); i++)
                {
                    for (int v = 0; v < contribution.valueLength(i); v++)
                    {
                        values[contribution.valueOffset(i) + v] =
                            (random.nextFloat() - 0.5f) * (float)Math.pow(10, random.nextInt(12) - 6);
                    }
                }
            }
        }
        try (Network network = new Network(nodes, LAYOUT, 512, 17, WAIT))
        {
            final Outcome outcome = network.run(workload.contributions, workload.votes);
            for (int round = 0; round < ROUNDS; round++)
            {
                for (int node = 1; node < nodes; node++)
                {
                    assertTrue(outcome.sums[node][round].contentEquals(outcome.sums[0][round]),
                        "round " + round + ": node " + node + " differs from node 0");
                }
                assertEquals(workload.expected[round].size(), outcome.sums[0][round].size());
            }
        }
    }

    @ParameterizedTest(name = "{0} nodes, node {1} votes in round {2}")
    @CsvSource({"1, 0, 1", "2, 1, 2", "3, 0, 0", "5, 4, 3", "6, 1, 1", "7, 6, 2", "8, 3, 5", "9, 8, 4"})
    void oneStopVoteStopsEveryNodeInThatRound(final int nodes, final int voter, final int stopRound)
    {
        final Workload workload = new Workload(LAYOUT, nodes, ROUNDS, 5000 + nodes, 40);
        workload.votes[voter][stopRound] = STOP_FLAG;
        // A setup vote of the last node in the round before travels on its own, ORed the same way.
        final int setupRound = (stopRound + ROUNDS - 1) % ROUNDS;
        workload.votes[nodes - 1][setupRound] |= SETUP_FLAG;
        try (Network network = new Network(nodes, LAYOUT, 256, 5 * nodes, WAIT))
        {
            final Outcome outcome = network.run(workload.contributions, workload.votes);
            outcome.assertSums(workload);
            for (int node = 0; node < nodes; node++)
            {
                for (int round = 0; round < ROUNDS; round++)
                {
                    final int expected = (round == stopRound ? STOP_FLAG : 0) | (round == setupRound ? SETUP_FLAG : 0);
                    assertEquals(expected, outcome.votes[node][round], "node " + node + " round " + round);
                }
            }
        }
    }

    @Test
    void framesThatCameEarlyWaitForTheirRound()
    {
        final List<byte[]> sent = new ArrayList<>();
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, PAIRS, HEADER_LENGTH + 12, capture(sent), WAIT,
            () -> null);
        // Node 1 is a round ahead: round 0 in two fragments, the second with a STOP vote, then round 1.
        deliver(reducer, 1, frame(1, 0, 1, 0, 0, 1));
        deliver(reducer, 1, frame(1, 0, 1, 1, LAST_FLAG | STOP_FLAG, 7));
        deliver(reducer, 1, frame(1, 1, 1, 0, LAST_FLAG));
        final SparseVector sum = new SparseVector(PAIRS);
        assertEquals(STOP_FLAG, reducer.reduce(0, SparseVectorTest.vector(PAIRS, 3, 5f, 7, 1f), 0, sum));
        assertTrue(sum.contentEquals(SparseVectorTest.vector(PAIRS, 1, 1f, 3, 5f, 7, 8f)), sum.toString());
        assertEquals(0, reducer.reduce(1, SparseVectorTest.vector(PAIRS, 4, 1f), 0, sum));
        assertTrue(sum.contentEquals(SparseVectorTest.vector(PAIRS, 4, 1f)), sum.toString());

        // What node 0 sent, as the descriptor lays it out: one entry per frame, then an empty last frame.
        assertEquals(3, sent.size());
        assertEquals(3, reducer.framesSent());
        assertEquals(HEADER_LENGTH * 3 + 12 * 3, reducer.bytesSent());
        final UnsafeBuffer first = new UnsafeBuffer(sent.get(0));
        assertEquals(PsMessageDescriptor.SYNC, first.getByte(PsMessageDescriptor.TYPE_OFFSET));
        assertEquals(0, first.getShort(SENDER_OFFSET));
        assertEquals(0, first.getByte(FLAGS_OFFSET));
        assertEquals(0, first.getInt(FRAGMENT_OFFSET));
        assertEquals(0, first.getLong(ROUND_OFFSET));
        assertEquals(1, first.getInt(STEP_OFFSET));
        assertEquals(1, first.getInt(COUNT_OFFSET));
        assertEquals(3, first.getInt(HEADER_LENGTH));
        assertEquals(5f, first.getFloat(HEADER_LENGTH + 4));
        assertEquals(10f, first.getFloat(HEADER_LENGTH + 8));
        final UnsafeBuffer second = new UnsafeBuffer(sent.get(1));
        assertEquals(LAST_FLAG, second.getByte(FLAGS_OFFSET));
        assertEquals(1, second.getInt(FRAGMENT_OFFSET));
        assertEquals(7, second.getInt(HEADER_LENGTH));
        final UnsafeBuffer third = new UnsafeBuffer(sent.get(2));
        assertEquals(1, third.getLong(ROUND_OFFSET));
        assertEquals(0, third.getInt(FRAGMENT_OFFSET));
        assertEquals(LAST_FLAG, third.getByte(FLAGS_OFFSET));
    }

    @Test
    void anEmptyPayloadIsOneEmptyLastFrame()
    {
        final List<byte[]> sent = new ArrayList<>();
        final SparseAllReduce reducer = new SparseAllReduce(1, 2, PAIRS, 1024, capture(sent), WAIT, () -> null);
        deliver(reducer, 0, frame(0, 0, 1, 0, LAST_FLAG));
        final SparseVector sum = SparseVectorTest.vector(PAIRS, 9, 9f);
        assertEquals(0, reducer.reduce(0, new SparseVector(PAIRS), 0, sum));
        assertEquals(0, sum.size(), "the sum is cleared");
        assertEquals(1, sent.size());
        assertEquals(HEADER_LENGTH, sent.get(0).length);
        final UnsafeBuffer frame = new UnsafeBuffer(sent.get(0));
        assertEquals(LAST_FLAG, frame.getByte(FLAGS_OFFSET));
        assertEquals(0, frame.getInt(COUNT_OFFSET));
    }

    @ParameterizedTest(name = "node {1} of {0}")
    @CsvSource({"2, 0, 1, 1", "3, 0, 2, 1", "3, 2, 1, 1", "4, 2, 1, 3", "5, 1, 0, 0", "7, 6, 1, 5"})
    void aSilentPeerIsNamedOnceTheWaitEnds(final int nodes, final int rank, final int step, final int peer)
    {
        final SparseAllReduce reducer = new SparseAllReduce(rank, nodes, LAYOUT, 1024, (d, b, o, l) -> { },
            SHORT_WAIT, () -> null);
        final long start = System.nanoTime();
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, new SparseVector(LAYOUT), 0, new SparseVector(LAYOUT)));
        final long waited = System.nanoTime() - start;
        assertEquals("node " + rank + " waited 200 ms for replica-sync round 0 step " + step + " data from node " +
            peer,
            error.getMessage());
        assertTrue(waited >= SHORT_WAIT && waited < TimeUnit.SECONDS.toNanos(3), waited + " ns");
        final IllegalStateException again = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, new SparseVector(LAYOUT), 0, new SparseVector(LAYOUT)));
        assertEquals(error.getMessage(), again.getMessage(), "a broken round is not retried");
    }

    @Test
    void aNodeFailureEndsTheWaitPromptly() throws InterruptedException
    {
        final AtomicReference<String> failure = new AtomicReference<>();
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, LAYOUT, 1024, (d, b, o, l) -> { },
            TimeUnit.SECONDS.toNanos(30), failure::get);
        final Thread failer = new Thread(() ->
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            failure.set("lost node 1: connection reset");
        }, THREAD_PREFIX + "failer");
        failer.setDaemon(true);
        failer.start();
        final long start = System.nanoTime();
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, new SparseVector(LAYOUT), 0, new SparseVector(LAYOUT)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
        assertEquals("replica sync of node 0 stopped: lost node 1: connection reset", error.getMessage());
        failer.join();
    }

    @Test
    void aFailedNodeSendsNothing()
    {
        final List<byte[]> sent = new ArrayList<>();
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, LAYOUT, 1024, capture(sent), WAIT,
            () -> "lost node 1: gone");
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, SparseVectorTest.vector(LAYOUT, 1, 1f), 0, new SparseVector(LAYOUT)));
        assertEquals("replica sync of node 0 stopped: lost node 1: gone", error.getMessage());
        assertEquals(0, sent.size());
    }

    static Stream<Arguments> badFrames()
    {
        final byte[] valid = frame(1, 0, 1, 0, LAST_FLAG, 3);
        final byte[] firstOfTwo = frame(1, 0, 1, 0, 0, 5);
        return Stream.of(
            bad("too short", 1, "its 10 bytes are shorter than the 24-byte header", new byte[10]),
            bad("not SYNC", 1, "its type is PUSH_REQUEST, not SYNC",
                with(valid, b -> b.putByte(TYPE_OFFSET, PsMessageDescriptor.PUSH_REQUEST))),
            bad("unknown flags", 1, "it has unknown flags 0xa", with(valid, b -> b.putByte(FLAGS_OFFSET, (byte)10))),
            bad("sender in the header", 1, "its header names node 2 as the sender", frame(2, 0, 1, 0, LAST_FLAG)),
            bad("wrong sender for the step", 2, "node 2 does not send to node 0 in step 1 (of 4 nodes)",
                frame(2, 0, 1, 0, LAST_FLAG)),
            bad("no such step", 1, "node 1 does not send to node 0 in step 5", frame(1, 0, 5, 0, LAST_FLAG)),
            bad("negative step", 1, "node 1 does not send to node 0 in step -1", frame(1, 0, -1, 0, LAST_FLAG)),
            bad("negative count", 1, "its entry count -1 is negative", with(valid, b -> b.putInt(COUNT_OFFSET, -1))),
            bad("count overruns the frame", 1, "its entry count 2 overruns the 36-byte frame at entry 1",
                with(valid, b -> b.putInt(COUNT_OFFSET, 2))),
            bad("values overrun the frame", 1, "its entry count 1 overruns the 32-byte frame at entry 0 (key 3)",
                Arrays.copyOf(valid, valid.length - 4)),
            bad("key beyond the key space", 1, "key 50 is out of range [0, 50)", frame(1, 0, 1, 0, LAST_FLAG, 2, 50)),
            bad("negative key", 1, "key -1 is out of range [0, 50)", frame(1, 0, 1, 0, LAST_FLAG, -1)),
            bad("keys out of order", 1, "key 3 follows key 5: keys must increase strictly",
                frame(1, 0, 1, 0, LAST_FLAG, 5, 3)),
            bad("key twice", 1, "key 5 follows key 5", frame(1, 0, 1, 0, LAST_FLAG, 5, 5)),
            bad("keys out of order across fragments", 1, "key 4 follows key 5", firstOfTwo,
                frame(1, 0, 1, 1, LAST_FLAG, 4)),
            bad("trailing bytes", 1, "3 bytes follow its last entry", Arrays.copyOf(valid, valid.length + 3)),
            bad("duplicate fragment", 1, "duplicate fragment index 0", firstOfTwo, firstOfTwo),
            bad("a step sent twice", 1, "duplicate fragment index 0", valid, valid),
            bad("fragment skipped", 1, "fragment 2 came where fragment 1 was due", firstOfTwo,
                frame(1, 0, 1, 2, LAST_FLAG)),
            bad("fragment after the last", 1, "fragment 1 follows the last fragment 0", valid,
                frame(1, 0, 1, 1, LAST_FLAG)),
            bad("first fragment not 0", 1, "the step's first fragment has index 1, not 0",
                frame(1, 0, 1, 1, LAST_FLAG)),
            bad("last fragment missing", 1, "round 0 step 1 ended without its last fragment (1 arrived)", firstOfTwo,
                frame(1, 1, 1, 0, LAST_FLAG)),
            bad("rounds out of order", 1, "it follows round 1 step 1 data", frame(1, 1, 1, 0, LAST_FLAG), valid));
    }

    private static Arguments bad(final String name, final int from, final String reason, final byte[]... frames)
    {
        return Arguments.of(name, from, reason, List.of(frames));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void aBadFrameStopsTheNextRoundNamingThePeer(final String name, final int from, final String reason,
        final List<byte[]> frames)
    {
        // Node 0 of 4 hears from node 1 in step 1 and from node 2 in step 2.
        final SparseAllReduce reducer = new SparseAllReduce(0, 4, PAIRS, 1024, (d, b, o, l) -> { }, WAIT, () -> null);
        for (final byte[] frame : frames)
        {
            deliver(reducer, from, frame);
        }
        final long start = System.nanoTime();
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, new SparseVector(PAIRS), 0, new SparseVector(PAIRS)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "prompt");
        assertTrue(error.getMessage().startsWith("replica sync of node 0 stopped: node " + from +
            " sent a bad SYNC frame"), error.getMessage());
        assertTrue(error.getMessage().contains("): " + reason) || error.getMessage().endsWith("frame: " + reason),
            error.getMessage());
        assertEquals(0, reducer.framesSent(), "the round never started");
    }

    @Test
    void aBadFrameNamesWhereItBelongs()
    {
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, PAIRS, 1024, (d, b, o, l) -> { }, WAIT, () -> null);
        deliver(reducer, 1, frame(1, 4, 1, 0, LAST_FLAG, 60));
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, new SparseVector(PAIRS), 0, new SparseVector(PAIRS)));
        assertEquals("replica sync of node 0 stopped: node 1 sent a bad SYNC frame (round 4, step 1, fragment 0): " +
            "key 60 is out of range [0, 50)", error.getMessage());
    }

    @Test
    void aFrameOfAFinishedRoundIsRefused()
    {
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, PAIRS, 1024, (d, b, o, l) -> { }, WAIT, () -> null);
        deliver(reducer, 1, frame(1, 0, 1, 0, LAST_FLAG, 3));
        final SparseVector sum = new SparseVector(PAIRS);
        reducer.reduce(0, new SparseVector(PAIRS), 0, sum);
        assertEquals(3, sum.key(0));
        deliver(reducer, 1, frame(1, 0, 1, 0, LAST_FLAG, 3));
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(1, new SparseVector(PAIRS), 0, sum));
        assertTrue(error.getMessage().endsWith("node 1 sent a bad SYNC frame (round 0, step 1, fragment 0): " +
            "round 0 is older than the current round 1"), error.getMessage());
    }

    @Test
    void aSkippedRoundIsRefusedWhenItsDataIsDue()
    {
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, PAIRS, 1024, (d, b, o, l) -> { }, WAIT, () -> null);
        deliver(reducer, 1, frame(1, 1, 1, 0, LAST_FLAG, 3));
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> reducer.reduce(0, new SparseVector(PAIRS), 0, new SparseVector(PAIRS)));
        assertEquals("replica sync of node 0 stopped: node 1 sent round 1 step 1 data while node 0 waited for " +
            "round 0 step 1 data", error.getMessage());
    }

    @Test
    void anEntryLongerThanAMessageIsRefusedBeforeAnythingIsSent()
    {
        final KeyLayout layout = KeyLayout.builder(10).range(0, 9, 2).range(9, 10, 100).build();
        final List<byte[]> sent = new ArrayList<>();
        final SparseAllReduce reducer = new SparseAllReduce(0, 2, layout, 256, capture(sent), WAIT, () -> null);
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> reducer.reduce(0, SparseVectorTest.vector(layout, 1, 1f, 9, 1f), 0, new SparseVector(layout)));
        assertEquals("key 9 has 100 values: its SYNC entry of 404 bytes plus the 24-byte header does not fit a " +
            "message of at most 256 bytes: raise the transport's frame limit", error.getMessage());
        assertEquals(0, sent.size());
    }

    @Test
    void misuseIsRefused()
    {
        final SparseAllReduce reducer = new SparseAllReduce(0, 1, PAIRS, 1024, (d, b, o, l) -> { }, WAIT, () -> null);
        final SparseVector own = new SparseVector(PAIRS);
        final IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
            () -> reducer.reduce(1, own, 0, new SparseVector(PAIRS)));
        assertEquals("replica-sync round 1 out of order: node 0 runs round 0 next", order.getMessage());
        assertThrows(IllegalArgumentException.class, () -> reducer.reduce(0, own, 0, own), "sum into own");
        assertEquals(0, reducer.reduce(0, own, 0, new SparseVector(PAIRS)), "a refused call does not count");
        assertThrows(IllegalArgumentException.class, () -> reducer.reduce(0, own, 0, new SparseVector(PAIRS)));

        final SparseAllReduce.Sender none = (d, b, o, l) -> { };
        final Supplier<String> healthy = () -> null;
        assertThrows(IllegalArgumentException.class, () -> new SparseAllReduce(3, 3, PAIRS, 1024, none, WAIT, healthy));
        assertThrows(IllegalArgumentException.class, () -> new SparseAllReduce(0, 0, PAIRS, 1024, none, WAIT, healthy));
        assertThrows(IllegalArgumentException.class, () -> new SparseAllReduce(0, 2, PAIRS, 31, none, WAIT, healthy));
        assertThrows(IllegalArgumentException.class, () -> new SparseAllReduce(0, 2, PAIRS, 1024, none, 0, healthy));
    }

    /** A SYNC frame over {@link #PAIRS} whose entries are {@code keys}, each with values key and 2 * key. */
    private static byte[] frame(final int sender, final long round, final int step, final int fragment, final int flags,
        final int... keys)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        buffer.putByte(TYPE_OFFSET, PsMessageDescriptor.SYNC);
        buffer.putByte(FLAGS_OFFSET, (byte)flags);
        buffer.putShort(SENDER_OFFSET, (short)sender);
        buffer.putInt(FRAGMENT_OFFSET, fragment);
        buffer.putLong(ROUND_OFFSET, round);
        buffer.putInt(STEP_OFFSET, step);
        buffer.putInt(COUNT_OFFSET, keys.length);
        int at = HEADER_LENGTH;
        for (final int key : keys)
        {
            buffer.putInt(at, key);
            buffer.putFloat(at + 4, key);
            buffer.putFloat(at + 8, 2 * key);
            at += 12;
        }
        return Arrays.copyOf(buffer.byteArray(), at);
    }

    private static byte[] with(final byte[] frame, final Consumer<UnsafeBuffer> change)
    {
        final byte[] copy = frame.clone();
        change.accept(new UnsafeBuffer(copy));
        return copy;
    }

    /** Hands {@code frame} to the reducer at an odd offset of a larger buffer, as a transport might. */
    private static void deliver(final SparseAllReduce reducer, final int from, final byte[] frame)
    {
        final byte[] bytes = new byte[frame.length + 11];
        System.arraycopy(frame, 0, bytes, 5, frame.length);
        reducer.onMessage(from, new UnsafeBuffer(bytes), 5, frame.length);
    }

    private static SparseAllReduce.Sender capture(final List<byte[]> sent)
    {
        return (destination, buffer, offset, length) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            sent.add(copy);
        };
    }

    private static int log2(final int nodes)
    {
        return 31 - Integer.numberOfLeadingZeros(nodes);
    }

    private static KeyLayout randomLayout(final int keys, final int maxLength, final long seed)
    {
        final Random random = new Random(seed);
        final int[] lengths = new int[keys];
        for (int k = 0; k < keys; k++)
        {
            lengths[k] = 1 + random.nextInt(maxLength);
        }
        return KeyLayout.perKey(lengths);
    }

    /** Seeded random contributions of small integers (so every sum is exact) and their expected sums. */
    private static final class Workload
    {
        final SparseVector[][] contributions;
        final int[][] votes;
        final SparseVector[] expected;

        Workload(final KeyLayout layout, final int nodes, final int rounds, final long seed, final int maxKeys)
        {
            final Random random = new Random(seed);
            contributions = new SparseVector[nodes][rounds];
            votes = new int[nodes][rounds];
            expected = new SparseVector[rounds];
            for (int round = 0; round < rounds; round++)
            {
                final TreeMap<Integer, float[]> total = new TreeMap<>();
                for (int node = 0; node < nodes; node++)
                {
                    // Now and then a node has nothing to say.
                    final int keys = maxKeys == 0 || random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(maxKeys);
                    final TreeMap<Integer, float[]> own = new TreeMap<>();
                    for (int n = 0; n < keys; n++)
                    {
                        final int key = random.nextInt(layout.numKeys());
                        final float[] value = new float[layout.length(key)];
                        for (int v = 0; v < value.length; v++)
                        {
                            value[v] = random.nextInt(33) - 16;
                        }
                        own.put(key, value);
                    }
                    contributions[node][round] = toVector(layout, own);
                    for (final Map.Entry<Integer, float[]> e : own.entrySet())
                    {
                        final float[] sum = total.computeIfAbsent(e.getKey(), k -> new float[e.getValue().length]);
                        for (int v = 0; v < sum.length; v++)
                        {
                            sum[v] += e.getValue()[v];
                        }
                    }
                }
                expected[round] = toVector(layout, total);
            }
        }

        private static SparseVector toVector(final KeyLayout layout, final TreeMap<Integer, float[]> entries)
        {
            final SparseVector vector = new SparseVector(layout);
            for (final Map.Entry<Integer, float[]> e : entries.entrySet())
            {
                vector.append(e.getKey(), e.getValue(), 0);
            }
            return vector;
        }
    }

    /** What every node's reduce() gave, per round. */
    private static final class Outcome
    {
        final SparseVector[][] sums;
        final int[][] votes;

        Outcome(final int nodes, final int rounds)
        {
            sums = new SparseVector[nodes][rounds];
            votes = new int[nodes][rounds];
        }

        void assertSums(final Workload workload)
        {
            for (int node = 0; node < sums.length; node++)
            {
                for (int round = 0; round < sums[node].length; round++)
                {
                    final SparseVector sum = sums[node][round];
                    assertTrue(sum.contentEquals(workload.expected[round]),
                        "node " + node + " round " + round + ": " + sum + " is not the expected sum");
                    if (node > 0)
                    {
                        assertTrue(sum.contentEquals(sums[0][round]), "node " + node + " differs from node 0");
                    }
                }
            }
        }
    }

    /**
     * Nodes in one JVM. A frame goes into its destination's per-sender queue and a delivery thread per
     * destination hands it to that node's reducer: FIFO per pair, but with seeded random pauses and a random
     * choice among senders, so frames of different peers, steps and rounds arrive interleaved.
     */
    private static final class Network implements AutoCloseable
    {
        private final SparseAllReduce[] reducers;
        private final KeyLayout layout;
        private final int maxMessageLength;
        private final List<List<ConcurrentLinkedQueue<byte[]>>> queues = new ArrayList<>();
        private final List<Thread> deliveries = new ArrayList<>();
        private final AtomicReference<String> violation = new AtomicReference<>();
        private volatile boolean running = true;

        Network(final int nodes, final KeyLayout layout, final int maxMessageLength, final long seed,
            final long timeoutNanos)
        {
            this.layout = layout;
            this.maxMessageLength = maxMessageLength;
            reducers = new SparseAllReduce[nodes];
            for (int node = 0; node < nodes; node++)
            {
                final int from = node;
                final List<ConcurrentLinkedQueue<byte[]>> perSender = new ArrayList<>();
                for (int peer = 0; peer < nodes; peer++)
                {
                    perSender.add(new ConcurrentLinkedQueue<>());
                }
                queues.add(perSender);
                reducers[node] = new SparseAllReduce(node, nodes, layout, maxMessageLength,
                    (destination, buffer, offset, length) -> send(from, destination, buffer, offset, length),
                    timeoutNanos, violation::get);
            }
            for (int node = 0; node < nodes; node++)
            {
                final int destination = node;
                final Random random = new Random(seed * 1_000_003L + node);
                final Thread thread = new Thread(() -> deliver(destination, random),
                    THREAD_PREFIX + "delivery-" + node);
                thread.setDaemon(true);
                deliveries.add(thread);
                thread.start();
            }
        }

        SparseAllReduce node(final int node)
        {
            return reducers[node];
        }

        /** Runs {@code reduce} for every round on one thread per node. */
        Outcome run(final SparseVector[][] contributions, final int[][] votes)
        {
            final int nodes = reducers.length;
            final int rounds = contributions[0].length;
            final Outcome outcome = new Outcome(nodes, rounds);
            final Throwable[] errors = new Throwable[nodes];
            final Thread[] threads = new Thread[nodes];
            for (int node = 0; node < nodes; node++)
            {
                final int rank = node;
                threads[node] = new Thread(() ->
                {
                    try
                    {
                        for (int round = 0; round < rounds; round++)
                        {
                            final SparseVector sum = new SparseVector(layout);
                            outcome.votes[rank][round] =
                                reducers[rank].reduce(round, contributions[rank][round], votes[rank][round], sum);
                            outcome.sums[rank][round] = sum;
                        }
                    }
                    catch (final Throwable t)
                    {
                        errors[rank] = t;
                    }
                }, THREAD_PREFIX + "node-" + node);
                threads[node].setDaemon(true);
                threads[node].start();
            }
            for (final Thread thread : threads)
            {
                try
                {
                    thread.join(TimeUnit.NANOSECONDS.toMillis(2 * WAIT));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    fail("interrupted");
                }
                if (thread.isAlive())
                {
                    thread.interrupt();
                    fail(thread.getName() + " did not finish");
                }
            }
            for (int node = 0; node < nodes; node++)
            {
                if (errors[node] != null)
                {
                    throw new AssertionError("node " + node + " failed: " + errors[node], errors[node]);
                }
            }
            assertNull(violation.get());
            return outcome;
        }

        private void send(final int from, final int destination, final DirectBuffer buffer, final int offset,
            final int length)
        {
            if (destination == from || destination < 0 || destination >= reducers.length || length > maxMessageLength ||
                buffer.getByte(offset + TYPE_OFFSET) != PsMessageDescriptor.SYNC)
            {
                violation.compareAndSet(null, "node " + from + " sent a " + length + "-byte frame to node " +
                    destination);
                return;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            queues.get(destination).get(from).offer(copy);
        }

        private void deliver(final int destination, final Random random)
        {
            final List<ConcurrentLinkedQueue<byte[]>> perSender = queues.get(destination);
            final int nodes = perSender.size();
            final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
            while (running)
            {
                final int start = random.nextInt(nodes);
                boolean delivered = false;
                for (int i = 0; i < nodes && !delivered; i++)
                {
                    final int from = (start + i) % nodes;
                    final byte[] frame = perSender.get(from).poll();
                    if (frame != null)
                    {
                        if (random.nextInt(4) == 0)
                        {
                            LockSupport.parkNanos(random.nextInt(200_000));
                        }
                        final int offset = random.nextInt(8);
                        final byte[] bytes = new byte[offset + frame.length];
                        System.arraycopy(frame, 0, bytes, offset, frame.length);
                        view.wrap(bytes);
                        reducers[destination].onMessage(from, view, offset, frame.length);
                        delivered = true;
                    }
                }
                if (!delivered)
                {
                    LockSupport.parkNanos(20_000);
                }
            }
        }

        @Override
        public void close()
        {
            running = false;
            for (final Thread thread : deliveries)
            {
                try
                {
                    thread.join(2000);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
