package io.nups.manage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * The operations of one worker that wait for other nodes. An operation expects a number of keys;
 * responders (on transport threads) fill pull results into the caller's array and count keys off, so an
 * operation answered by several nodes completes exactly once, when its last key is counted.
 *
 * <p>Handles are consecutive per worker and index a ring of {@code capacity} slots; a worker with
 * {@code capacity} operations outstanding waits for its oldest before it issues another. Only the owning
 * worker thread calls {@link #begin}; any thread may call {@link #complete}, {@link #fail} and the
 * queries.
 */
public final class OperationTable
{
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String owner;
    private final int mask;
    private final long[] handles;
    private final int[] remaining;
    private final float[][] outputs;
    private final String[] failures;
    /** The owning worker sleeps on it while it waits; rung when an operation completes or fails. */
    private final Doorbell doorbell = new Doorbell();
    private final BoundedIdle.Waiting awaiting = this::awaitedStillPending;
    private long next;
    /** The operation the owning worker waits for right now. */
    private long awaitedHandle;
    private int awaitedSlot;

    public OperationTable(final String owner, final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("operation table capacity must be a power of two, got " + capacity);
        }
        this.owner = owner;
        this.mask = capacity - 1;
        this.handles = new long[capacity];
        this.remaining = new int[capacity];
        this.outputs = new float[capacity][];
        this.failures = new String[capacity];
        java.util.Arrays.fill(handles, -1);
    }

    /**
     * Opens an operation that completes when {@code keys} keys are counted; {@code output} receives pull
     * values (null for push and set). Waits, bounded by {@code timeoutNanos}, while the ring is full.
     */
    public long begin(final int keys, final float[] output, final long timeoutNanos)
    {
        final long handle = next;
        final int slot = (int)(handle & mask);
        final long previous = (long)LONGS.getAcquire(handles, slot);
        if (previous >= 0)
        {
            await(previous, timeoutNanos);
        }
        outputs[slot] = output;
        failures[slot] = null;
        INTS.setRelease(remaining, slot, keys);
        LONGS.setRelease(handles, slot, handle);
        next = handle + 1;
        return handle;
    }

    /** The array pull values of {@code handle} go to. */
    public float[] output(final long handle)
    {
        return outputs[slot(handle)];
    }

    /** Counts {@code keys} keys of {@code handle} as answered; values written before are visible to waiters. */
    public void complete(final long handle, final int keys)
    {
        final int slot = slot(handle);
        final int left = (int)INTS.getAndAdd(remaining, slot, -keys) - keys;
        if (left < 0)
        {
            throw new IllegalStateException(owner + ": operation " + handle + " was answered for " + -left +
                " keys more than it asked for");
        }
        if (left == 0)
        {
            doorbell.ring();
        }
    }

    /** Ends {@code handle} with an error that its waiter throws. */
    public void fail(final long handle, final String reason)
    {
        final int slot = slot(handle);
        failures[slot] = reason;
        INTS.setRelease(remaining, slot, 0);
        doorbell.ring();
    }

    public boolean isDone(final long handle)
    {
        check(handle);
        final int slot = (int)(handle & mask);
        return (long)LONGS.getAcquire(handles, slot) != handle || (int)INTS.getAcquire(remaining, slot) == 0;
    }

    /** Waits until {@code handle} is done; throws if it failed or the wait exceeds {@code timeoutNanos}. */
    public void await(final long handle, final long timeoutNanos)
    {
        check(handle);
        final int slot = (int)(handle & mask);
        awaitedHandle = handle;
        awaitedSlot = slot;
        long deadline = 0;
        int spins = 0;
        while (awaitedStillPending())
        {
            deadline = BoundedIdle.step(++spins, deadline, timeoutNanos, doorbell, awaiting);
            if (deadline == BoundedIdle.TIMED_OUT)
            {
                throw new IllegalStateException(owner + ": operation " + handle + " still waits for " +
                    (int)INTS.getAcquire(remaining, slot) + " keys after " +
                    TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
            }
        }
        final String failure = (long)LONGS.getAcquire(handles, slot) == handle ? failures[slot] : null;
        if (failure != null)
        {
            throw new IllegalStateException(owner + ": operation " + handle + " failed: " + failure);
        }
    }

    private boolean awaitedStillPending()
    {
        return (long)LONGS.getAcquire(handles, awaitedSlot) == awaitedHandle &&
            (int)INTS.getAcquire(remaining, awaitedSlot) != 0;
    }

    /** Waits for every operation issued so far. */
    public void awaitAll(final long timeoutNanos)
    {
        for (long handle = Math.max(0, next - mask - 1); handle < next; handle++)
        {
            await(handle, timeoutNanos);
        }
    }

    /** Fails every outstanding operation (a peer was lost or the node is closing). */
    public void failAll(final String reason)
    {
        for (int slot = 0; slot <= mask; slot++)
        {
            if ((long)LONGS.getAcquire(handles, slot) >= 0 && (int)INTS.getAcquire(remaining, slot) != 0)
            {
                failures[slot] = reason;
                INTS.setRelease(remaining, slot, 0);
            }
        }
        doorbell.ring();
    }

    private int slot(final long handle)
    {
        final int slot = (int)(handle & mask);
        if ((long)LONGS.getAcquire(handles, slot) != handle)
        {
            throw new IllegalStateException(owner + ": a response names operation " + handle +
                ", which is not outstanding");
        }
        return slot;
    }

    private void check(final long handle)
    {
        if (handle < 0 || handle >= next)
        {
            throw new IllegalArgumentException("unknown operation handle " + handle + " on " + owner +
                ": handles come from this worker's calls");
        }
    }
}
