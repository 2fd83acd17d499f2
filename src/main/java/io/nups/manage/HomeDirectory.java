package io.nups.manage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Where keys live. Every key has a fixed home (manager) node by range partition, optionally after a
 * fixed pseudo-random permutation of the key space; the home node keeps, for each key it manages, which
 * node owns the key now. At start every key is owned by its home.
 */
public final class HomeDirectory
{
    private static final VarHandle OWNERS = MethodHandles.arrayElementVarHandle(int[].class);

    private final int numKeys;
    private final int nodes;
    private final int rank;
    private final int chunk;
    private final KeyPermutation permutation;
    private final int[] owners;

    /**
     * @param permutationSeed seed of the key permutation, or null for plain range partitioning
     */
    public HomeDirectory(final int numKeys, final int nodes, final int rank, final Long permutationSeed)
    {
        this.numKeys = numKeys;
        this.nodes = nodes;
        this.rank = rank;
        this.chunk = (int)(((long)numKeys + nodes - 1) / nodes);
        this.permutation = permutationSeed == null ? null : new KeyPermutation(numKeys, permutationSeed);
        final int managed = Math.max(0, Math.min(numKeys, (rank + 1) * chunk) - rank * chunk);
        this.owners = new int[managed];
        java.util.Arrays.fill(owners, rank);
    }

    /** Home (manager) node of {@code key}. */
    public int home(final int key)
    {
        return position(key) / chunk;
    }

    public boolean isHome(final int key)
    {
        return home(key) == rank;
    }

    /** Number of keys homed at this node. */
    public int managedKeys()
    {
        return owners.length;
    }

    /** Current owner of a key homed here. */
    public int owner(final int key)
    {
        return (int)OWNERS.getVolatile(owners, slot(key));
    }

    /** Records {@code newOwner} as the owner of a key homed here; returns the previous owner. */
    public int exchangeOwner(final int key, final int newOwner)
    {
        return (int)OWNERS.getAndSet(owners, slot(key), newOwner);
    }

    /** Calls {@code action} for every key homed at this node. */
    public void forEachManagedKey(final java.util.function.IntConsumer action)
    {
        for (int key = 0; key < numKeys; key++)
        {
            if (isHome(key))
            {
                action.accept(key);
            }
        }
    }

    private int position(final int key)
    {
        return permutation == null ? key : permutation.apply(key);
    }

    private int slot(final int key)
    {
        final int position = position(key);
        final int slot = position - rank * chunk;
        if (slot < 0 || slot >= owners.length)
        {
            throw new IllegalArgumentException("key " + key + " is homed at node " + position / chunk + ", not " + rank);
        }
        return slot;
    }

    public int nodes()
    {
        return nodes;
    }
}
