package io.nups.manage;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys on their way to this node (Localize, reference §1.5). A record is opened before any message about
 * the key is sent, so from that moment every operation on the key that reaches this node is queued on the
 * record instead of being forwarded, and replayed in arrival order when the value arrives. Callers hold
 * the key's {@link KeyLocks stripe}.
 */
final class Transfers
{
    /** What waits for a key in transfer. */
    sealed interface Queued permits LocalPull, LocalUpdate, RemotePull, RemoteUpdate, Waiter
    {
    }

    /** A pull of a worker of this node: copy the value to {@code out[position]}. */
    record LocalPull(int worker, long handle, float[] out, int position) implements Queued
    {
    }

    /** A push (add) or set of a worker of this node, with a private copy of its values. */
    record LocalUpdate(int worker, long handle, float[] values, boolean overwrite) implements Queued
    {
    }

    /** A pull of another node's worker: answer it with the value. */
    record RemotePull(int node, int worker, long handle, int position) implements Queued
    {
    }

    /** A push or set of another node's worker: apply it and count it. */
    record RemoteUpdate(int node, int worker, long handle, float[] values, boolean overwrite) implements Queued
    {
    }

    /** A localize of a worker of this node: count the key when it arrives. */
    record Waiter(int worker, long handle) implements Queued
    {
    }

    /** Where the value goes after it arrived here, because another node localized it meanwhile. */
    record Next(int node, int worker, long handle)
    {
    }

    static final class Transfer
    {
        final List<Queued> queue = new ArrayList<>(2);
        Next next;
    }

    private final Int2ObjectHashMap<Transfer> open = new Int2ObjectHashMap<>();

    /** Under the key's stripe, but records of different stripes share the map: guard it too. */
    Transfer get(final int key)
    {
        synchronized (open)
        {
            return open.get(key);
        }
    }

    Transfer open(final int key)
    {
        final Transfer transfer = new Transfer();
        synchronized (open)
        {
            if (open.putIfAbsent(key, transfer) != null)
            {
                throw new IllegalStateException("key " + key + " is already in transfer");
            }
        }
        return transfer;
    }

    Transfer close(final int key)
    {
        synchronized (open)
        {
            return open.remove(key);
        }
    }

    int size()
    {
        synchronized (open)
        {
            return open.size();
        }
    }
}
