package io.nups.manage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Optional location caches (reference §1.3): per key the node believed to own it, so a worker's request
 * skips the manager. Set when a pull response arrives (key → responder) and when this node hands a key
 * over (key → new owner). A stale entry costs a forward at the stale node, never a lost or doubled update,
 * because only the key's holder applies an operation and the stale node forwards without the cache.
 */
final class LocationCache
{
    static final int UNKNOWN = -1;

    private static final VarHandle OWNERS = MethodHandles.arrayElementVarHandle(int[].class);

    private final int[] owners;

    LocationCache(final int numKeys)
    {
        this.owners = new int[numKeys];
        java.util.Arrays.fill(owners, UNKNOWN);
    }

    /** The cached owner of {@code key}, or {@link #UNKNOWN}. */
    int get(final int key)
    {
        return (int)OWNERS.getOpaque(owners, key);
    }

    void put(final int key, final int node)
    {
        OWNERS.setOpaque(owners, key, node);
    }
}
