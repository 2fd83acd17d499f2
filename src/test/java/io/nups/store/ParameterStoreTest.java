package io.nups.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterStoreTest
{
    @Test
    void addWriteAndReadRoundTrip()
    {
        try (ParameterStore store = new ParameterStore(KeyLayout.uniform(10, 3), StoreOptions.DEFAULT))
        {
            store.insert(4, SlotDescriptor.STATE_OWNED, new float[]{9, 1, 2, 3}, 1);
            final float[] out = new float[3];
            assertTrue(store.read(4, 3, out, 0));
            assertArrayEquals(new float[]{1, 2, 3}, out);
            assertTrue(store.add(4, 3, new float[]{0.5f, 0.5f, -1}, 0));
            assertTrue(store.read(4, 3, out, 0));
            assertArrayEquals(new float[]{1.5f, 2.5f, 2}, out);
            assertTrue(store.write(4, 3, new float[]{7, 7, 7}, 0));
            assertTrue(store.read(4, 3, out, 0));
            assertArrayEquals(new float[]{7, 7, 7}, out);
            assertFalse(store.read(5, 3, out, 0), "key 5 was never inserted");
            assertFalse(store.add(5, 3, out, 0));
            assertEquals(SlotDescriptor.STATE_OWNED, store.state(4));
            assertEquals(SlotDescriptor.STATE_FREE, store.state(5));
        }
    }

    @Test
    void removedSlotsAreReusedAndKeepCounting()
    {
        final KeyLayout layout = KeyLayout.uniform(100, 4);
        try (ParameterStore store = new ParameterStore(layout, StoreOptions.DEFAULT.withCapacityFactor(0.02)))
        {
            store.insert(1, SlotDescriptor.STATE_OWNED, null, 0);
            store.insert(2, SlotDescriptor.STATE_OWNED, new float[]{1, 2, 3, 4}, 0);
            assertEquals(2, store.usedSlots());
            assertEquals(0, store.freeSlots());
            final StoreFullException full = assertThrows(StoreFullException.class,
                () -> store.insert(3, SlotDescriptor.STATE_OWNED, null, 0));
            assertTrue(full.getMessage().contains("all 2 slots for value length 4"), full.getMessage());
            assertTrue(full.getMessage().contains("--store-capacity"), full.getMessage());

            final long slotOf2 = store.slotAddress(2);
            final long versionBefore = org.agrona.UnsafeApi.getLong(slotOf2 + SlotDescriptor.VERSION_OFFSET);
            final float[] removed = new float[4];
            assertTrue(store.remove(2, removed, 0));
            assertArrayEquals(new float[]{1, 2, 3, 4}, removed);
            assertFalse(store.isLocal(2));
            assertFalse(store.remove(2, removed, 0));
            assertEquals(1, store.freeSlots());

            store.insert(3, SlotDescriptor.STATE_REPLICA, null, 0);
            assertEquals(slotOf2, store.slotAddress(3), "freed slot comes back from the free list");
            final long versionAfter = org.agrona.UnsafeApi.getLong(slotOf2 + SlotDescriptor.VERSION_OFFSET);
            assertTrue(versionAfter > versionBefore, "version must never reset when a slot is reused");
            final float[] out = new float[4];
            assertTrue(store.read(3, 4, out, 0));
            assertArrayEquals(new float[4], out, "a reused slot starts from zero");
            assertEquals(SlotDescriptor.STATE_REPLICA, store.state(3));
            assertThrows(IllegalStateException.class, () -> store.insert(3, SlotDescriptor.STATE_OWNED, null, 0));
        }
    }

    @Test
    void modelLargerThanOneSlabSpansSeveral()
    {
        final KeyLayout layout = KeyLayout.builder(3000).range(0, 2000, 16).range(2000, 3000, 100).build();
        try (ParameterStore store = new ParameterStore(layout, StoreOptions.DEFAULT.withMaxSlabLength(16 * 4096)))
        {
            assertTrue(store.slabs().size() > 2, "expected several slabs, got " + store.slabs().size());
            final float[] value = new float[100];
            for (int key = 0; key < 3000; key++)
            {
                final int length = layout.length(key);
                java.util.Arrays.fill(value, 0, length, key);
                store.insert(key, SlotDescriptor.STATE_OWNED, value, 0);
            }
            long previous = -1;
            for (int key = 0; key < 3000; key++)
            {
                final int length = layout.length(key);
                assertTrue(store.read(key, length, value, 0));
                assertEquals(key, value[0]);
                assertEquals(key, value[length - 1]);
                final long address = store.slotAddress(key);
                assertEquals(0, address % SlotDescriptor.SLOT_ALIGNMENT);
                assertTrue(store.slabs().stream().anyMatch(s -> s.contains(address, SlotDescriptor.slotLength(length))));
                assertNotEquals(previous, address);
                previous = address;
            }
            for (final Slab slab : store.slabs())
            {
                assertTrue(slab.length() <= 16 * 4096);
                assertEquals(0, slab.address() % Slab.ALIGNMENT);
            }
            assertEquals(3000, store.usedSlots());
            assertTrue(store.memoryReport().contains("length    100 floats: 1,000 of 1,000 slots used"),
                store.memoryReport());
        }
    }

    @Test
    void mappedFileSlabsAreCreatedAndRemoved(@TempDir final Path dir)
    {
        final StoreOptions options = StoreOptions.DEFAULT.withMappedFiles(dir, "node7");
        final Path file;
        try (ParameterStore store = new ParameterStore(KeyLayout.uniform(50, 8), options))
        {
            file = store.slabs().get(0).file();
            assertEquals(dir.resolve("node7-0.slab"), file);
            assertTrue(Files.exists(file));
            store.insert(10, SlotDescriptor.STATE_OWNED, new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 0);
            final float[] out = new float[8];
            assertTrue(store.read(10, 8, out, 0));
            assertEquals(8, out[7]);
            final IllegalStateException taken = assertThrows(IllegalStateException.class,
                () -> new ParameterStore(KeyLayout.uniform(50, 8), options));
            assertTrue(taken.getMessage().contains("already exists"), taken.getMessage());
        }
        assertFalse(Files.exists(file), "slab file must be removed on close");
    }

    @Test
    void closedStoreRefusesWork()
    {
        final ParameterStore store = new ParameterStore(KeyLayout.uniform(4, 2), StoreOptions.DEFAULT);
        store.close();
        store.close();
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> store.insert(0, SlotDescriptor.STATE_OWNED, null, 0));
        assertTrue(ex.getMessage().contains("closed"));
    }
}
