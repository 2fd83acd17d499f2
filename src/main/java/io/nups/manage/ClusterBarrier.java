package io.nups.manage;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The node-level half of a barrier over all nodes: each node arrives once per epoch (after its own
 * workers met), node 0 counts arrivals and releases every node when all have arrived. Epochs are
 * consecutive on every node because every node passes the same barriers in the same order.
 */
final class ClusterBarrier
{
    private static final long PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final int nodes;
    /** Node 0 only: arrivals per epoch, indexed by epoch modulo 2 (a node cannot be two epochs ahead). */
    private final int[] arrivals = new int[2];
    private final long[] arrivalEpochs = {-1, -1};
    private volatile long released = -1;
    private volatile String failure;

    ClusterBarrier(final int nodes)
    {
        this.nodes = nodes;
    }

    /** Node 0: counts one node's arrival at {@code epoch}; returns true when it was the last. */
    synchronized boolean arrive(final long epoch, final int node)
    {
        final int slot = (int)(epoch & 1);
        if (arrivalEpochs[slot] != epoch)
        {
            if (arrivalEpochs[slot] > epoch)
            {
                throw new IllegalStateException("node " + node + " arrived at barrier " + epoch + ", which is over");
            }
            arrivalEpochs[slot] = epoch;
            arrivals[slot] = 0;
        }
        return ++arrivals[slot] == nodes;
    }

    void release(final long epoch)
    {
        released = epoch;
    }

    void fail(final String reason)
    {
        failure = reason;
    }

    /** Waits for node 0's release of {@code epoch}, bounded. */
    void await(final long epoch, final long timeoutNanos, final int rank)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (released < epoch)
        {
            final String reason = failure;
            if (reason != null)
            {
                throw new IllegalStateException("barrier " + epoch + " failed at node " + rank + ": " + reason);
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("barrier " + epoch + " timed out at node " + rank + " after " +
                    TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s: not every node arrived (node 0 counts them)");
            }
            LockSupport.parkNanos(PARK_NANOS);
        }
    }
}
