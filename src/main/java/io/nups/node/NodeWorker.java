package io.nups.node;

import io.nups.metrics.OpKind;
import io.nups.metrics.OpRecorder;
import io.nups.store.KeyLayout;
import io.nups.store.ParameterStore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The worker operations of one worker thread on its node. Local keys are served straight from the slab
 * on the calling thread: no allocation, no lock shared between keys, and a latency sample for one call
 * in {@link NodeSettings#latencySampleEvery()}.
 *
 * <p>Not thread-safe: one thread per worker.
 */
public final class NodeWorker
{
    /** Handle of an operation that completed before it returned. */
    public static final long DONE = -1;

    private static final VarHandle IN_CALL;

    static
    {
        try
        {
            IN_CALL = MethodHandles.lookup().findVarHandle(NodeWorker.class, "inCall", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Node node;
    private final int index;
    private final ParameterStore store;
    private final KeyLayout layout;
    private final OpRecorder recorder;
    @SuppressWarnings("unused") // accessed through IN_CALL
    private volatile int inCall;

    NodeWorker(final Node node, final int index, final OpRecorder recorder)
    {
        this.node = node;
        this.index = index;
        this.store = node.store();
        this.layout = store.layout();
        this.recorder = recorder;
    }

    public int index()
    {
        return index;
    }

    public Node node()
    {
        return node;
    }

    public OpRecorder recorder()
    {
        return recorder;
    }

    public long pull(final int[] keys, final float[] out)
    {
        enter();
        try
        {
            final long start = startTimer(OpKind.LOCAL_PULL);
            checkLength("pull", keys, out.length);
            int offset = 0;
            for (final int key : keys)
            {
                final int length = layout.length(key);
                if (!store.read(key, length, out, offset))
                {
                    throw notHeld(key);
                }
                offset += length;
            }
            stopTimer(OpKind.LOCAL_PULL, start, keys.length);
            return DONE;
        }
        finally
        {
            exit();
        }
    }

    public long pull(final int key, final float[] out)
    {
        enter();
        try
        {
            final long start = startTimer(OpKind.LOCAL_PULL);
            final int length = checkLength("pull", key, out.length);
            if (!store.read(key, length, out, 0))
            {
                throw notHeld(key);
            }
            stopTimer(OpKind.LOCAL_PULL, start, 1);
            return DONE;
        }
        finally
        {
            exit();
        }
    }

    public boolean pullIfLocal(final int key, final float[] out)
    {
        enter();
        try
        {
            final long start = startTimer(OpKind.LOCAL_PULL);
            final int length = checkLength("pullIfLocal", key, out.length);
            final boolean local = store.read(key, length, out, 0);
            stopTimer(OpKind.LOCAL_PULL, start, local ? 1 : 0);
            return local;
        }
        finally
        {
            exit();
        }
    }

    public long push(final int[] keys, final float[] deltas)
    {
        return update(OpKind.LOCAL_PUSH, "push", keys, deltas);
    }

    public long push(final int key, final float[] delta)
    {
        return update(OpKind.LOCAL_PUSH, "push", key, delta);
    }

    public long set(final int[] keys, final float[] values)
    {
        return update(OpKind.LOCAL_SET, "set", keys, values);
    }

    public long set(final int key, final float[] values)
    {
        return update(OpKind.LOCAL_SET, "set", key, values);
    }

    private long update(final OpKind kind, final String operation, final int[] keys, final float[] values)
    {
        enter();
        try
        {
            final long start = startTimer(kind);
            checkLength(operation, keys, values.length);
            int offset = 0;
            for (final int key : keys)
            {
                final int length = layout.length(key);
                if (!apply(kind, key, length, values, offset))
                {
                    throw notHeld(key);
                }
                offset += length;
            }
            stopTimer(kind, start, keys.length);
            return DONE;
        }
        finally
        {
            exit();
        }
    }

    private long update(final OpKind kind, final String operation, final int key, final float[] values)
    {
        enter();
        try
        {
            final long start = startTimer(kind);
            final int length = checkLength(operation, key, values.length);
            if (!apply(kind, key, length, values, 0))
            {
                throw notHeld(key);
            }
            stopTimer(kind, start, 1);
            return DONE;
        }
        finally
        {
            exit();
        }
    }

    private boolean apply(final OpKind kind, final int key, final int length, final float[] values, final int offset)
    {
        return kind == OpKind.LOCAL_SET ?
            store.write(key, length, values, offset) : store.add(key, length, values, offset);
    }

    /** Completion of {@code handle}; every operation of a single node completes before it returns. */
    public boolean isDone(final long handle)
    {
        checkHandle(handle);
        return true;
    }

    public void waitFor(final long handle)
    {
        checkHandle(handle);
    }

    public void waitAll()
    {
        node.checkOpen();
    }

    public void barrier()
    {
        enter();
        try
        {
            // Barriers are rare and slow: time every one.
            recorder.shouldTime(OpKind.BARRIER);
            final long start = System.nanoTime();
            node.barrier().await(index);
            recorder.record(OpKind.BARRIER, System.nanoTime() - start);
        }
        finally
        {
            exit();
        }
    }

    private void checkHandle(final long handle)
    {
        node.checkOpen();
        if (handle != DONE)
        {
            throw new IllegalArgumentException("unknown operation handle " + handle + " on worker " + index +
                ": handles come from this worker's pull/push/set calls");
        }
    }

    private long startTimer(final OpKind kind)
    {
        return recorder.shouldTime(kind) ? System.nanoTime() : 0;
    }

    private void stopTimer(final OpKind kind, final long start, final int keys)
    {
        if (start != 0)
        {
            recorder.record(kind, System.nanoTime() - start);
        }
        recorder.countKeys(kind, keys);
    }

    private void checkLength(final String operation, final int[] keys, final int valuesLength)
    {
        final long expected = layout.totalLength(keys, keys.length);
        if (expected != valuesLength)
        {
            throw new IllegalArgumentException(operation + " of " + keys.length + " keys needs a value array of " +
                expected + " floats (the sum of the keys' value lengths), got " + valuesLength);
        }
    }

    private int checkLength(final String operation, final int key, final int valuesLength)
    {
        layout.checkKey(key);
        final int length = layout.length(key);
        if (length != valuesLength)
        {
            throw new IllegalArgumentException(operation + " of key " + key + " needs a value array of " + length +
                " floats, got " + valuesLength);
        }
        return length;
    }

    private IllegalStateException notHeld(final int key)
    {
        return new IllegalStateException("key " + key + " is not held by node " + node.rank());
    }

    /** Marks this worker busy so that {@link Node#close()} never frees slabs under a running call. */
    private void enter()
    {
        IN_CALL.setVolatile(this, 1);
        if (node.isClosed())
        {
            IN_CALL.setRelease(this, 0);
            node.checkOpen();
        }
    }

    private void exit()
    {
        IN_CALL.setRelease(this, 0);
    }

    boolean isInCall()
    {
        return (int)IN_CALL.getVolatile(this) != 0;
    }
}
