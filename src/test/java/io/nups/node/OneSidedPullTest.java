package io.nups.node;

import io.nups.metrics.OpKind;
import io.nups.metrics.OpRecorder;
import io.nups.store.KeyLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Remote pulls served by one-sided reads of the owner's slot, their fallback, and torn-copy detection. */
class OneSidedPullTest
{
    private static final KeyLayout MIXED = KeyLayout.builder(30).range(0, 10, 2).range(10, 29, 5).range(29, 30, 1)
        .build();
    private static final long RACE_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final int RACE_PULLS = 200_000;
    private static final int RACE_WRITES = 20_000_000;

    @TempDir
    Path runDirectory;

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void remotePullsAfterTheFirstAreOneSidedReads(final LocalCluster.Kind kind) throws Exception
    {
        try (LocalCluster cluster = new LocalCluster(kind, 3, MIXED, 1, false, null, runDirectory))
        {
            final Node readerNode = cluster.node(2);
            final int localKey = firstLocalKey(readerNode, MIXED.numKeys());
            // Duplicates, three value lengths, and a key local to the reader, in one call.
            final int[] keys = {29, 3, 29, 15, localKey, 3, 0};
            final int remote = countRemote(readerNode, keys);
            final OpRecorder recorder = readerNode.worker(0).recorder();

            setAll(cluster.node(0).worker(0), 0);
            assertArrayEquals(expected(keys, 0), pull(readerNode.worker(0), keys), "first pull, by message");
            assertEquals(0, recorder.keys(OpKind.ONE_SIDED_READ), "nothing is known before the first response");

            assertArrayEquals(expected(keys, 0), pull(readerNode.worker(0), keys), "second pull");
            assertEquals(remote, recorder.keys(OpKind.ONE_SIDED_READ), "every remote key read one-sidedly");

            setAll(cluster.node(1).worker(0), 100);
            assertArrayEquals(expected(keys, 100), pull(readerNode.worker(0), keys), "after the owners' values changed");
            assertEquals(2L * remote, recorder.keys(OpKind.ONE_SIDED_READ));
            assertEquals(0, recorder.keys(OpKind.READ_FALLBACK), "no key moved, so no read fell back");

            // One call mixing known locations (3, 15), a key never pulled (12, twice) and a local key (29).
            final int[] mixed = {12, 3, 12, 15, 29};
            assertTrue(!readerNode.store().isLocal(12) && readerNode.store().isLocal(29));
            assertArrayEquals(expected(mixed, 100), pull(readerNode.worker(0), mixed));
            assertEquals(2L * remote + 2, recorder.keys(OpKind.ONE_SIDED_READ), "3 and 15 one-sided, 12 by message");
            assertArrayEquals(expected(mixed, 100), pull(readerNode.worker(0), mixed));
            assertEquals(2L * remote + 6, recorder.keys(OpKind.ONE_SIDED_READ), "now 12 too, both times");
        }
    }

    @Test
    void withOneSidedPullsOffRemotePullsAreMessages() throws Exception
    {
        try (LocalCluster cluster = new LocalCluster(LocalCluster.Kind.TCP, 2, MIXED, 1, false, null, runDirectory,
            UnaryOperator.identity(), settings -> settings.withOneSidedPulls(false)))
        {
            final int[] keys = {29, 3, 29, 15, 3, 0};
            setAll(cluster.node(0).worker(0), 7);
            final NodeWorker reader = cluster.node(1).worker(0);
            for (int i = 0; i < 3; i++)
            {
                assertArrayEquals(expected(keys, 7), pull(reader, keys));
            }
            assertEquals(0, reader.recorder().keys(OpKind.ONE_SIDED_READ));
            assertFalse(cluster.node(1).manager().oneSidedPulls());
        }
    }

    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void aReadOfAKeyThatMovedFallsBackAndReturnsTheCurrentValue(final LocalCluster.Kind kind) throws Exception
    {
        try (LocalCluster cluster = new LocalCluster(kind, 3, KeyLayout.uniform(10, 4), 1, true, null, runDirectory))
        {
            final int key = 0; // homed at node 0
            assertTrue(cluster.node(0).store().isLocal(key));
            final NodeWorker reader = cluster.node(2).worker(0);
            final OpRecorder recorder = reader.recorder();
            final float[] out = new float[4];
            reader.waitFor(reader.pull(key, out));
            reader.waitFor(reader.pull(key, out));
            assertEquals(1, recorder.keys(OpKind.ONE_SIDED_READ), "second pull read node 0's slot");

            final NodeWorker mover = cluster.node(1).worker(0);
            mover.waitFor(mover.localize(new int[] {key}));
            mover.waitFor(mover.push(key, new float[] {1, 2, 3, 4}));
            reader.waitFor(reader.pull(key, out));
            assertArrayEquals(new float[] {1, 2, 3, 4}, out, "the fallback reaches the new owner");
            assertEquals(1, recorder.keys(OpKind.READ_FALLBACK), "the freed slot at node 0 was noticed");

            reader.waitFor(reader.pull(key, out));
            assertEquals(2, recorder.keys(OpKind.ONE_SIDED_READ), "the new location was learned and read");

            // Back to node 0, which may reuse the very slot the reader once knew: still the current value.
            final NodeWorker home = cluster.node(0).worker(0);
            home.waitFor(home.localize(new int[] {key}));
            home.waitFor(home.push(key, new float[] {1, 1, 1, 1}));
            reader.waitFor(reader.pull(key, out));
            assertArrayEquals(new float[] {2, 3, 4, 5}, out);
            reader.waitFor(reader.pull(key, out));
            assertArrayEquals(new float[] {2, 3, 4, 5}, out);
            assertEquals(2, recorder.keys(OpKind.READ_FALLBACK));
        }
    }

    /**
     * The owner keeps overwriting a 128-float key with vectors whose elements are all equal and increasing,
     * while another node pulls it by one-sided reads: every pull must see one whole, never older, vector.
     */
    @ParameterizedTest
    @EnumSource(LocalCluster.Kind.class)
    void oneSidedReadsRacingOwnerWritesNeverReturnATornValue(final LocalCluster.Kind kind) throws Exception
    {
        final int length = 128;
        try (LocalCluster cluster = new LocalCluster(kind, 2, KeyLayout.uniform(4, length), 1, false, null,
            runDirectory))
        {
            final int key = 0; // homed at node 0
            final NodeWorker owner = cluster.node(0).worker(0);
            final NodeWorker reader = cluster.node(1).worker(0);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong writes = new AtomicLong();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = new Thread(() ->
            {
                try
                {
                    final float[] values = new float[length];
                    for (int i = 1; i <= RACE_WRITES && !stop.get(); i++)
                    {
                        Arrays.fill(values, i);
                        owner.waitFor(owner.set(key, values));
                        writes.lazySet(i);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "race-owner");
            final float[] out = new float[length];
            reader.waitFor(reader.pull(key, out));
            writer.start();
            long pulls = 0;
            try
            {
                float last = 0;
                final long deadline = System.nanoTime() + RACE_NANOS;
                while (pulls < RACE_PULLS && System.nanoTime() < deadline && failure.get() == null)
                {
                    reader.waitFor(reader.pull(key, out));
                    pulls++;
                    for (int i = 1; i < length; i++)
                    {
                        if (out[i] != out[0])
                        {
                            throw new AssertionError("pull " + pulls + " returned a torn value: element 0 is " + out[0] +
                                ", element " + i + " is " + out[i]);
                        }
                    }
                    assertTrue(out[0] >= last, "pull " + pulls + " went back from " + last + " to " + out[0]);
                    last = out[0];
                }
            }
            finally
            {
                stop.set(true);
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertNull(failure.get(), () -> "owner failed: " + failure.get());
            assertFalse(writer.isAlive(), "owner thread did not stop");
            final OpRecorder recorder = reader.recorder();
            System.out.printf("torn-read race over %s: %d pulls against %d owner writes; %d keys read one-sided, " +
                "%d torn copies detected and read again, %d fell back to messages%n", kind, pulls, writes.get(),
                recorder.keys(OpKind.ONE_SIDED_READ), recorder.keys(OpKind.TORN_READ),
                recorder.keys(OpKind.READ_FALLBACK));
            assertTrue(recorder.keys(OpKind.ONE_SIDED_READ) > 0, "no pull was served by a one-sided read");
        }
    }

    private static float[] pull(final NodeWorker worker, final int[] keys)
    {
        final float[] out = new float[(int)MIXED.totalLength(keys, keys.length)];
        worker.waitFor(worker.pull(keys, out));
        return out;
    }

    /** Sets every key of {@link #MIXED} to {@code base + key} in all elements. */
    private static void setAll(final NodeWorker writer, final int base)
    {
        for (int key = 0; key < MIXED.numKeys(); key++)
        {
            final float[] values = new float[MIXED.length(key)];
            Arrays.fill(values, base + key);
            writer.waitFor(writer.set(key, values));
        }
    }

    private static float[] expected(final int[] keys, final int base)
    {
        final float[] expected = new float[(int)MIXED.totalLength(keys, keys.length)];
        int at = 0;
        for (final int key : keys)
        {
            Arrays.fill(expected, at, at + MIXED.length(key), base + key);
            at += MIXED.length(key);
        }
        return expected;
    }

    private static int firstLocalKey(final Node node, final int numKeys)
    {
        for (int key = 0; key < numKeys; key++)
        {
            if (node.store().isLocal(key))
            {
                return key;
            }
        }
        throw new AssertionError("node " + node.rank() + " holds no key");
    }

    private static int countRemote(final Node node, final int[] keys)
    {
        int remote = 0;
        for (final int key : keys)
        {
            remote += node.store().isLocal(key) ? 0 : 1;
        }
        return remote;
    }
}
