package io.nups.node;

import io.nups.manage.ParameterManager;
import io.nups.metrics.OpKind;
import io.nups.metrics.OpRecorder;
import io.nups.sample.SampleTarget;
import io.nups.sample.WorkerSampler;
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
public final class NodeWorker implements SampleTarget
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
    /** Slow path to other nodes; null on a single node. */
    private final ParameterManager.Port remote;
    private final long waitNanos;
    /** Null unless sampling is on. */
    private final WorkerSampler sampler;
    @SuppressWarnings("unused") // accessed through IN_CALL
    private volatile int inCall;
    /** Calls of this worker under way on its thread: pullSample holds one around the pulls it makes. */
    private int depth;

    NodeWorker(final Node node, final int index, final OpRecorder recorder, final ParameterManager.Port remote)
    {
        this.node = node;
        this.index = index;
        this.store = node.store();
        this.layout = store.layout();
        this.recorder = recorder;
        this.remote = remote;
        this.waitNanos = node.settings().waitTimeout().toNanos();
        this.sampler = node.sampling().worker(index, this);
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

    @Override
    public long pull(final int[] keys, final float[] out)
    {
        enter();
        try
        {
            final long start = startTimer(OpKind.LOCAL_PULL);
            checkLength("pull", keys, out.length);
            int offset = 0;
            for (int i = 0; i < keys.length; i++)
            {
                final int key = keys[i];
                final int length = layout.length(key);
                if (!store.read(key, length, out, offset))
                {
                    stopTimer(OpKind.LOCAL_PULL, start, i);
                    return remotePull(keys, i, out, offset);
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
                stopTimer(OpKind.LOCAL_PULL, start, 0);
                return remotePull(new int[] {key}, 0, out, 0);
            }
            stopTimer(OpKind.LOCAL_PULL, start, 1);
            return DONE;
        }
        finally
        {
            exit();
        }
    }

    @Override
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
            for (int i = 0; i < keys.length; i++)
            {
                final int key = keys[i];
                final int length = layout.length(key);
                if (!apply(kind, key, length, values, offset))
                {
                    stopTimer(kind, start, i);
                    return remoteUpdate(kind, keys, i, values, offset);
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
                stopTimer(kind, start, 0);
                return remoteUpdate(kind, new int[] {key}, 0, values, 0);
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

    private long remotePull(final int[] keys, final int from, final float[] out, final int offset)
    {
        if (remote == null)
        {
            throw notHeld(keys[from]);
        }
        final long start = startTimer(OpKind.REMOTE_PULL);
        final long handle = remote.pull(keys, from, out, offset);
        stopTimer(OpKind.REMOTE_PULL, start, keys.length - from);
        return handle;
    }

    private long remoteUpdate(final OpKind kind, final int[] keys, final int from, final float[] values,
        final int offset)
    {
        if (remote == null)
        {
            throw notHeld(keys[from]);
        }
        final OpKind remoteKind = kind == OpKind.LOCAL_SET ? OpKind.REMOTE_SET : OpKind.REMOTE_PUSH;
        final long start = startTimer(remoteKind);
        final long handle = remote.update(keys, from, values, offset, kind == OpKind.LOCAL_SET);
        stopTimer(remoteKind, start, keys.length - from);
        return handle;
    }

    /**
     * Moves {@code keys} to this node (relocation mode); a no-op returning {@link #DONE} in classic mode or
     * on a single node.
     */
    @Override
    public long localize(final int[] keys)
    {
        enter();
        try
        {
            for (final int key : keys)
            {
                layout.checkKey(key);
            }
            if (remote == null)
            {
                return DONE;
            }
            final long start = startTimer(OpKind.LOCALIZE);
            final long handle = remote.localize(keys);
            stopTimer(OpKind.LOCALIZE, start, keys.length);
            return handle;
        }
        finally
        {
            exit();
        }
    }

    /**
     * Announces a group of {@code count} samples (reference §3.1); returns its id. Never blocks, except while
     * the sampling pool is behind.
     */
    public long prepareSample(final int count)
    {
        return sampler().prepare(count);
    }

    /**
     * Hands out the next {@code keys.length} samples of group {@code sampleId} into {@code keys} and pulls their
     * values into {@code values}; returns the pull's handle ({@link #DONE} if all were local).
     */
    public long pullSample(final long sampleId, final int[] keys, final float[] values)
    {
        final WorkerSampler sampling = sampler();
        // The sampler reads the store between its pulls (which key is local, a slot's state): hold the call.
        enter();
        try
        {
            final long start = startTimer(OpKind.SAMPLE);
            final long handle = sampling.pull(sampleId, keys, values);
            stopTimer(OpKind.SAMPLE, start, keys.length);
            return handle;
        }
        finally
        {
            exit();
        }
    }

    /** Discards the samples of group {@code sampleId} not handed out yet. */
    public void finishSample(final long sampleId)
    {
        sampler().finish(sampleId);
    }

    private WorkerSampler sampler()
    {
        node.checkOpen();
        if (sampler == null)
        {
            throw new IllegalStateException("sampling is not enabled on node " + node.rank() + ": give a key " +
                "distribution with Nups.Builder.sampling(SamplingOptions.of(...))");
        }
        return sampler;
    }

    /** Completion of {@code handle}, without waiting. */
    public boolean isDone(final long handle)
    {
        checkHandle(handle);
        return handle == DONE || remote.table().isDone(handle);
    }

    /** Waits for {@code handle}, bounded by the node's wait timeout; throws if the operation failed. */
    public void waitFor(final long handle)
    {
        checkHandle(handle);
        if (handle != DONE)
        {
            enter();
            try
            {
                final long start = startTimer(OpKind.WAIT);
                remote.table().await(handle, waitNanos);
                stopTimer(OpKind.WAIT, start, 0);
            }
            finally
            {
                exit();
            }
        }
    }

    /** Waits for every operation this worker issued. */
    public void waitAll()
    {
        node.checkOpen();
        if (remote != null)
        {
            enter();
            try
            {
                remote.table().awaitAll(waitNanos);
            }
            finally
            {
                exit();
            }
        }
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
        if (handle != DONE && (remote == null || handle < 0))
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
        if (depth++ == 0)
        {
            IN_CALL.setVolatile(this, 1);
        }
        if (node.isStopped())
        {
            exit();
            node.checkOpen();
        }
    }

    private void exit()
    {
        if (--depth == 0)
        {
            IN_CALL.setRelease(this, 0);
        }
    }

    boolean isInCall()
    {
        return (int)IN_CALL.getVolatile(this) != 0;
    }
}
