package io.nups.manage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where this node last saw each key's slot at another node: (node, region, byte offset), packed in one
 * long per key so that a reader always sees a whole entry. Learned from pull responses on the server thread,
 * read and dropped by worker threads; an entry is a hint that a one-sided read validates, never a truth.
 *
 * <p>Packing: bits 48..63 node + 1 (0 = unknown), bits 32..47 region id, bits 0..31 offset in the region.
 */
final class SlotLocations
{
    static final long UNKNOWN = 0;
    /** Largest node rank and region id a packed entry holds. */
    static final int MAX_NODE = 0xFFFE;
    static final int MAX_REGION = 0xFFFF;

    private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] entries;

    SlotLocations(final int numKeys)
    {
        this.entries = new long[numKeys];
    }

    static long pack(final int node, final int region, final int offset)
    {
        if (node < 0 || node > MAX_NODE || region < 0 || region > MAX_REGION || offset < 0)
        {
            throw new IllegalArgumentException("slot location (node " + node + ", region " + region + ", offset " +
                offset + ") does not fit: node <= " + MAX_NODE + ", region <= " + MAX_REGION + ", offset >= 0");
        }
        return ((long)(node + 1) << 48) | ((long)region << 32) | (offset & 0xFFFF_FFFFL);
    }

    static int node(final long entry)
    {
        return (int)(entry >>> 48) - 1;
    }

    static int region(final long entry)
    {
        return (int)(entry >>> 32) & 0xFFFF;
    }

    static int offset(final long entry)
    {
        return (int)entry;
    }

    /** The entry of {@code key}, or {@link #UNKNOWN}. */
    long get(final int key)
    {
        return (long)ENTRIES.getOpaque(entries, key);
    }

    void learn(final int key, final int node, final int region, final int offset)
    {
        ENTRIES.setOpaque(entries, key, pack(node, region, offset));
    }

    /** Drops {@code key}'s entry unless it changed since it was read as {@code stale}. */
    void forget(final int key, final long stale)
    {
        ENTRIES.compareAndSet(entries, key, stale, UNKNOWN);
    }
}
