package io.nups.store;

import org.agrona.UnsafeApi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Races writers against readers that copy a slot with no coordination, word by word from the end (as an
 * RDMA READ may land in any order), and against local seqlock readers. Writers only ever store vectors
 * whose elements are all equal, so a reader that accepts a copy with unequal elements accepted a torn one.
 */
class SlotTornReadTest
{
    private static final long BYTE_BASE = UnsafeApi.arrayBaseOffset(byte[].class);
    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1500);
    private static final long MAX_ITERATIONS = 50_000_000;

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 128, 512})
    void uncoordinatedCopyNeverAcceptsATornSlot(final int length) throws Exception
    {
        try (ParameterStore store = new ParameterStore(KeyLayout.uniform(4, length), StoreOptions.DEFAULT))
        {
            final int key = 2;
            store.insert(key, SlotDescriptor.STATE_OWNED, null, 0);
            final long slot = store.slotAddress(key);
            final int slotLength = SlotDescriptor.slotLength(length);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();

            final Thread writer = new Thread(() -> writeEqualVectors(store, key, length, stop, failure), "torn-writer");
            final long[] counts = new long[3]; // accepted, rejected, torn-but-version-even
            final Thread reader = new Thread(() ->
            {
                final byte[] copy = new byte[slotLength];
                final long deadline = System.nanoTime() + RUN_NANOS;
                for (long i = 0; i < MAX_ITERATIONS && System.nanoTime() < deadline; i++)
                {
                    copyBackwards(slot, copy, slotLength);
                    final boolean allEqual = allValuesEqual(copy, length);
                    if (SlotDescriptor.isConsistentCopy(copy, 0, key, length))
                    {
                        counts[0]++;
                        if (!allEqual)
                        {
                            failure.compareAndSet(null, new AssertionError("accepted a torn copy at iteration " + i));
                            return;
                        }
                    }
                    else
                    {
                        counts[1]++;
                        final long version = UnsafeApi.getLong(copy, BYTE_BASE + SlotDescriptor.VERSION_OFFSET);
                        if (!allEqual && (version & 1) == 0)
                        {
                            counts[2]++;
                        }
                    }
                }
            }, "torn-copy-reader");
            writer.start();
            reader.start();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));

            assertNull(failure.get(), () -> String.valueOf(failure.get()));
            assertTrue(counts[0] > 0, "no copy was ever accepted");
            if (length > 2)
            {
                assertTrue(counts[1] > 0, "the race never produced a torn copy; the test proves nothing");
            }
            System.out.printf("length %d: %d copies accepted, %d rejected, %d torn with an even version%n",
                length, counts[0], counts[1], counts[2]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 128})
    void seqlockReadsNeverSeeATornValue(final int length) throws Exception
    {
        try (ParameterStore store = new ParameterStore(KeyLayout.uniform(2, length), StoreOptions.DEFAULT))
        {
            store.insert(0, SlotDescriptor.STATE_OWNED, null, 0);
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread writer = new Thread(() -> writeEqualVectors(store, 0, length, stop, failure), "seq-writer");
            final float[] out = new float[length];
            writer.start();
            long reads = 0;
            final long deadline = System.nanoTime() + RUN_NANOS;
            while (System.nanoTime() < deadline && reads < MAX_ITERATIONS)
            {
                assertTrue(store.read(0, length, out, 0));
                for (int i = 1; i < length; i++)
                {
                    if (out[i] != out[0])
                    {
                        stop.set(true);
                        throw new AssertionError("torn local read: element " + i + " = " + out[i] + " vs " + out[0]);
                    }
                }
                reads++;
            }
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertNull(failure.get());
            assertTrue(reads > 0);
        }
    }

    /** Alternates overwrites and adds; both keep all elements equal. */
    private static void writeEqualVectors(
        final ParameterStore store, final int key, final int length, final AtomicBoolean stop,
        final AtomicReference<Throwable> failure)
    {
        try
        {
            final float[] values = new float[length];
            final float[] ones = new float[length];
            java.util.Arrays.fill(ones, 1f);
            for (int i = 0; !stop.get() && i < MAX_ITERATIONS; i++)
            {
                if ((i & 1) == 0)
                {
                    java.util.Arrays.fill(values, i & 0xFFFF);
                    assertTrue(store.write(key, length, values, 0));
                }
                else
                {
                    assertTrue(store.add(key, length, ones, 0));
                }
            }
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, t);
        }
    }

    private static void copyBackwards(final long slot, final byte[] copy, final int slotLength)
    {
        for (int offset = slotLength - 4; offset >= 0; offset -= 4)
        {
            UnsafeApi.putInt(copy, BYTE_BASE + offset, UnsafeApi.getIntVolatile(null, slot + offset));
        }
    }

    private static boolean allValuesEqual(final byte[] copy, final int length)
    {
        final long values = BYTE_BASE + SlotDescriptor.VALUES_OFFSET;
        final int first = UnsafeApi.getInt(copy, values);
        for (int i = 1; i < length; i++)
        {
            if (UnsafeApi.getInt(copy, values + 4L * i) != first)
            {
                return false;
            }
        }
        return true;
    }

    @org.junit.jupiter.api.Test
    void copyOfAQuiescentSlotValidatesAndAnyChangedWordFails()
    {
        final int length = 9;
        try (ParameterStore store = new ParameterStore(KeyLayout.uniform(3, length), StoreOptions.DEFAULT))
        {
            final float[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            store.insert(1, SlotDescriptor.STATE_OWNED, values, 0);
            final int slotLength = SlotDescriptor.slotLength(length);
            final byte[] copy = new byte[slotLength];
            UnsafeApi.copyMemory(null, store.slotAddress(1), copy, BYTE_BASE, slotLength);
            assertTrue(SlotDescriptor.isConsistentCopy(copy, 0, 1, length));
            assertEquals(false, SlotDescriptor.isConsistentCopy(copy, 0, 2, length), "wrong key accepted");
            for (int offset = 0; offset < SlotDescriptor.VALUES_OFFSET + 4 * length; offset++)
            {
                final byte[] damaged = copy.clone();
                damaged[offset] ^= 0x10;
                assertEquals(false, SlotDescriptor.isConsistentCopy(damaged, 0, 1, length),
                    "a copy with byte " + offset + " changed was accepted");
            }
        }
    }
}
