package io.nups.sample;

/** What a worker's sampler needs from its worker: the worker operations, on the worker's thread. */
public interface SampleTarget
{
    /** Pulls {@code keys} into {@code values}; returns the operation's handle (-1 if complete). */
    long pull(int[] keys, float[] values);

    /** Copies {@code key}'s value into {@code values} if it is held here; never communicates. */
    boolean pullIfLocal(int key, float[] values);

    /** Moves {@code keys} to this node, asynchronously; returns the operation's handle. */
    long localize(int[] keys);
}
