package io.nups.api;

import io.nups.node.NodeWorker;

/**
 * The parameter-server operations of one worker thread. Obtain one per thread from
 * {@link ParameterServer#worker(int)}; a worker is not thread-safe.
 *
 * <p>Values are float32. Keys are in {@code [0, numKeys)}; a value array holds the values of the keys
 * of a call concatenated in call order, so its length must equal the sum of the keys' value lengths.
 * Duplicate keys in one call behave as if the call were split.
 *
 * <p>Every operation is asynchronous and returns a handle. {@link #DONE} means it completed before it
 * returned (always so for keys held on this node), and waiting on it costs nothing. Until a handle is
 * done, the caller must not touch a pull's output array; push and set copy their input before they
 * return. Every wait is bounded by the server's wait timeout.
 *
 * <pre>{@code
 * try (ParameterServer ps = Nups.builder().keys(1000, 16).threads(1).start())
 * {
 *     Worker w = ps.worker(0);
 *     float[] v = new float[16];
 *     java.util.Arrays.fill(v, 0.5f);
 *     w.waitFor(w.push(7, v));      // value of key 7 += 0.5
 *     w.waitFor(w.pull(7, v));      // v is now all 0.5
 * }
 * }</pre>
 */
public final class Worker
{
    /** Handle of an operation that completed before it returned. */
    public static final long DONE = NodeWorker.DONE;

    private final NodeWorker delegate;

    Worker(final NodeWorker delegate)
    {
        this.delegate = delegate;
    }

    /** Index of this worker on its node, in {@code [0, threads)}. */
    public int index()
    {
        return delegate.index();
    }

    /** Copies the values of {@code keys} into {@code out}. */
    public long pull(final int[] keys, final float[] out)
    {
        return delegate.pull(keys, out);
    }

    /** Copies the value of {@code key} into {@code out} (length = the key's value length). */
    public long pull(final int key, final float[] out)
    {
        return delegate.pull(key, out);
    }

    /** Copies the value of {@code key} into {@code out} if it is held on this node; never communicates. */
    public boolean pullIfLocal(final int key, final float[] out)
    {
        return delegate.pullIfLocal(key, out);
    }

    /** Adds {@code deltas} to the values of {@code keys}; each key's update is atomic. */
    public long push(final int[] keys, final float[] deltas)
    {
        return delegate.push(keys, deltas);
    }

    /** Adds {@code delta} to the value of {@code key}. */
    public long push(final int key, final float[] delta)
    {
        return delegate.push(key, delta);
    }

    /** Overwrites the values of {@code keys}; each key's write is atomic. */
    public long set(final int[] keys, final float[] values)
    {
        return delegate.set(keys, values);
    }

    /** Overwrites the value of {@code key}. */
    public long set(final int key, final float[] values)
    {
        return delegate.set(key, values);
    }

    /**
     * Moves {@code keys} to this node, so that later pulls and pushes of them are local (relocation
     * mode; reference: Lapse/NuPS Localize). Asynchronous: call it ahead of use and rarely wait on it.
     * Operations on a key in transfer are queued and applied in arrival order when it arrives. A no-op
     * returning {@link #DONE} on a single node or in classic mode.
     */
    public long localize(final int[] keys)
    {
        return delegate.localize(keys);
    }

    /**
     * Announces that {@code count} samples will be needed from one group (NuPS's PrepareSample) and returns the
     * group's id. Never blocks, except while the pool scheme's pool is behind. Depending on the scheme the keys
     * are drawn now and localized ahead (preloc, pool): those localizes are operations of this worker, which
     * {@link #waitAll()} covers. Requires sampling to be configured ({@link Nups.Builder#sampling}).
     *
     * <pre>{@code
     * long id = w.prepareSample(10);            // e.g. one data point ahead of its use
     * int[] key = new int[1];
     * float[] value = new float[w.valueLength(0)];
     * for (int i = 0; i < 10; i++) {
     *     w.waitFor(w.pullSample(id, key, value)); // key[0] drawn, value holds its parameters
     * }                                        // the group is freed once all 10 were pulled
     * }</pre>
     *
     * @throws IllegalStateException when sampling is off, or the pool failed or stayed behind past the wait
     *                               timeout (the message says why)
     */
    public long prepareSample(final int count)
    {
        return delegate.prepareSample(count);
    }

    /**
     * Hands out the next {@code keys.length} samples of group {@code sampleId} into {@code keys} and pulls their
     * values into {@code values} (NuPS's PullSample): returns the pull's handle, {@link #DONE} if every key was
     * local. {@code values.length} must be the sum of the sampled keys' value lengths, so sample from keys of one
     * length. The local scheme hands out one key per call.
     *
     * @throws IllegalArgumentException for an unknown or freed id, or more keys than the group has left
     */
    public long pullSample(final long sampleId, final int[] keys, final float[] values)
    {
        return delegate.pullSample(sampleId, keys, values);
    }

    /** Discards the samples of group {@code sampleId} not pulled yet (NuPS's FinishSample); no-op if freed. */
    public void finishSample(final long sampleId)
    {
        delegate.finishSample(sampleId);
    }

    /** True once the operation of {@code handle} has completed. */
    public boolean isDone(final long handle)
    {
        return delegate.isDone(handle);
    }

    /** Waits until the operation of {@code handle} has completed. */
    public void waitFor(final long handle)
    {
        delegate.waitFor(handle);
    }

    /** Waits until every operation this worker issued has completed. */
    public void waitAll()
    {
        delegate.waitAll();
    }

    /**
     * Waits until every update to a replicated key present at the call (from any node) has reached this node's
     * replicas: three completed synchronization rounds, bounded by the wait timeout. Call it before reading the
     * whole model (evaluation, checkpoints). Returns at once on one node or without replicated keys.
     */
    public void waitReplicaSync()
    {
        delegate.node().waitReplicaSync();
    }

    /** Waits until every worker thread of every node has reached the barrier. */
    public void barrier()
    {
        delegate.barrier();
    }

    /** Rank of this worker's node in the cluster (0 on a single node). */
    public int rank()
    {
        return delegate.node().rank();
    }

    /** Value length of {@code key}, in floats. */
    public int valueLength(final int key)
    {
        return delegate.node().store().layout().length(key);
    }
}
