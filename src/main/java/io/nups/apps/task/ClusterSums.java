package io.nups.apps.task;

import io.nups.api.Worker;

/**
 * Cluster-wide sums of a few doubles (losses, metric sums, counts) through one parameter-server key, so that
 * tasks need no side channel: every worker of every node calls {@link #sum} at the same point and gets the
 * element-wise total of all workers' inputs.
 *
 * <p>Each double travels as two floats, its float value and the float of the rest, so each contribution arrives
 * exactly; only the server's float additions round, leaving a relative error of about 1e-7 per contributor
 * (plenty for losses and metrics; integer counts are exact up to 2^24). The key must hold
 * {@link #length(int)} floats and must not be replicated (a replica would see other nodes' pushes only after
 * synchronization).
 */
public final class ClusterSums
{
    private ClusterSums()
    {
    }

    /** Floats the sum key must hold for {@code values} doubles. */
    public static int length(final int values)
    {
        return 2 * values;
    }

    /**
     * Adds {@code local} of this worker to the cluster-wide sum and returns the sum over every worker of every
     * node. Every worker thread of every node must call it with the same {@code key} and the same number of
     * values; it meets the others in three worker barriers.
     *
     * @throws IllegalArgumentException when the key holds fewer than {@link #length(int)} floats
     */
    public static double[] sum(final Worker worker, final int key, final double[] local)
    {
        final int length = worker.valueLength(key);
        if (length < length(local.length))
        {
            throw new IllegalArgumentException("sum key " + key + " holds " + length + " floats; " + local.length +
                " values need " + length(local.length));
        }
        final float[] buffer = new float[length];
        worker.barrier();
        if (worker.index() == 0 && worker.rank() == 0)
        {
            worker.waitFor(worker.set(key, buffer));
        }
        worker.barrier();
        for (int i = 0; i < local.length; i++)
        {
            final float high = (float)local[i];
            buffer[2 * i] = high;
            buffer[2 * i + 1] = (float)(local[i] - high);
        }
        worker.waitFor(worker.push(key, buffer));
        worker.barrier();
        worker.waitFor(worker.pull(key, buffer));
        final double[] total = new double[local.length];
        for (int i = 0; i < total.length; i++)
        {
            total[i] = (double)buffer[2 * i] + buffer[2 * i + 1];
        }
        return total;
    }
}
