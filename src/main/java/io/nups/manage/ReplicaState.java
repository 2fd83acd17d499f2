package io.nups.manage;

import io.nups.store.KeyLayout;
import io.nups.store.ReplicaUpdates;
import io.nups.store.Slab;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What replica synchronization remembers per replicated key: the last globally synchronized value (off-heap,
 * one float run per key in key order) and whether the key was updated locally since the last round took it.
 *
 * <p>Updated flags are one bit per key of the key space. A worker sets a key's bit after its update unlocked
 * the slot; the sync agent clears the bit (atomically) before it reads the value. A full fence before the
 * worker's check pairs with the agent's clear: either the agent's read sees the update, or the worker sees the
 * bit cleared and sets it again, so no update waits for a later push to be sent. Workers touch the shared word
 * only when the bit is clear, so hot keys do not bounce a cache line between threads on every push.
 */
final class ReplicaState implements ReplicaUpdates, AutoCloseable
{
    /** Id of the synchronized-state slab; never registered with a transport. */
    static final int SYNCED_SLAB_ID = 1_000_000;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final KeyLayout layout;
    private final int[] keys;
    /** Byte offset of each replicated key's floats in {@link #synced}, by index into {@link #keys}. */
    private final long[] offsets;
    private final Slab synced;
    private final UnsafeBuffer syncedBuffer;
    private final long[] updated;

    ReplicaState(final HotKeys hotKeys, final KeyLayout layout)
    {
        this.layout = layout;
        this.keys = hotKeys.toArray();
        this.offsets = new long[keys.length];
        long bytes = 0;
        for (int i = 0; i < keys.length; i++)
        {
            offsets[i] = bytes;
            bytes += 4L * layout.length(keys[i]);
        }
        if (bytes > Slab.MAX_LENGTH - Slab.ALIGNMENT)
        {
            throw new IllegalArgumentException("replicated keys need " + bytes + " bytes of synchronized state, " +
                "more than one slab holds (" + Slab.MAX_LENGTH + "): replicate fewer keys");
        }
        final int length = (int)((Math.max(bytes, 1) + Slab.ALIGNMENT - 1) & -Slab.ALIGNMENT);
        this.synced = Slab.allocate(SYNCED_SLAB_ID, length);
        this.syncedBuffer = synced.buffer();
        this.updated = new long[(layout.numKeys() + 63) >>> 6];
    }

    int size()
    {
        return keys.length;
    }

    /** The i-th replicated key, ascending. */
    int key(final int i)
    {
        return keys[i];
    }

    /** Bytes of synchronized state (off-heap). */
    long bytes()
    {
        return synced.length();
    }

    @Override
    public void updated(final int key)
    {
        final int word = key >>> 6;
        final long bit = 1L << key;
        VarHandle.fullFence();
        if (((long)WORDS.getVolatile(updated, word) & bit) == 0)
        {
            WORDS.getAndBitwiseOr(updated, word, bit);
        }
    }

    /** Clears {@code key}'s updated bit; true if it was set. Call before reading the key's value. */
    boolean takeUpdated(final int key)
    {
        final long bit = 1L << key;
        return ((long)WORDS.getAndBitwiseAnd(updated, key >>> 6, ~bit) & bit) != 0;
    }

    /** Sets the bit again for a key whose delta a round held back (below the threshold). */
    void keepUpdated(final int key)
    {
        WORDS.getAndBitwiseOr(updated, key >>> 6, 1L << key);
    }

    /** Writes {@code out[j] = value[j] - synced[j]} for the i-th replicated key; returns the delta's L2 norm. */
    double delta(final int i, final float[] value, final float[] out)
    {
        final int length = layout.length(keys[i]);
        final long base = offsets[i];
        double squares = 0;
        for (int j = 0; j < length; j++)
        {
            final float d = value[j] - syncedBuffer.getFloat((int)(base + 4L * j));
            out[j] = d;
            squares += (double)d * d;
        }
        return Math.sqrt(squares);
    }

    /** Adds {@code update[from, from + length)} to the synchronized state of the i-th replicated key. */
    void addSynced(final int i, final float[] update, final int from)
    {
        final int length = layout.length(keys[i]);
        final long base = offsets[i];
        for (int j = 0; j < length; j++)
        {
            final int at = (int)(base + 4L * j);
            syncedBuffer.putFloat(at, syncedBuffer.getFloat(at) + update[from + j]);
        }
    }

    @Override
    public void close()
    {
        synced.close();
    }
}
