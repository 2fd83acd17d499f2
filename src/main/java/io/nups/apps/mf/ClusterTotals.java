package io.nups.apps.mf;

import io.nups.api.Worker;

/**
 * Cluster-wide sums of per-worker figures through one key: the first worker of the cluster zeroes the key,
 * every worker adds its figures (each double as a float pair, high and low part), and all read the total.
 * Called by every worker thread of every node at the same point: it meets them at three barriers.
 */
final class ClusterTotals
{
    private ClusterTotals()
    {
    }

    /** Floats a key needs to sum {@code n} doubles. */
    static int length(final int n)
    {
        return 2 * n;
    }

    /**
     * The element-wise sum of {@code local} over every worker of every node.
     *
     * @param first true on exactly one worker of the cluster (rank 0, worker 0)
     */
    static double[] sum(final Worker worker, final boolean first, final int key, final double[] local)
    {
        final float[] pairs = new float[worker.valueLength(key)];
        worker.barrier(); // everyone read the previous total
        if (first)
        {
            worker.waitFor(worker.set(key, pairs));
        }
        worker.barrier();
        for (int i = 0; i < local.length; i++)
        {
            final float high = (float)local[i];
            pairs[2 * i] = high;
            pairs[2 * i + 1] = (float)(local[i] - high);
        }
        worker.push(key, pairs);
        worker.waitAll();
        worker.barrier();
        worker.waitFor(worker.pull(key, pairs));
        final double[] total = new double[local.length];
        for (int i = 0; i < total.length; i++)
        {
            total[i] = (double)pairs[2 * i] + pairs[2 * i + 1];
        }
        return total;
    }
}
