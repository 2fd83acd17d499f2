package io.nups.apps.w2v;

import io.nups.api.Worker;

/**
 * Cluster-wide sums of a few doubles through one key: every worker of every node calls {@link #sum} at the same
 * point. Each double travels as two floats (value and rest) so sums keep about 48 bits. Stand-in with the
 * semantics of io.nups.apps.task.ClusterSums until that lands on main.
 */
final class ClusterTotals
{
    private ClusterTotals()
    {
    }

    /** Floats the key must hold for {@code values} doubles. */
    static int length(final int values)
    {
        return 2 * values;
    }

    static double[] sum(final Worker worker, final int rank, final int key, final double[] local)
    {
        final float[] buffer = new float[worker.valueLength(key)];
        if (buffer.length < length(local.length))
        {
            throw new IllegalArgumentException("sum key " + key + " holds " + buffer.length + " floats; " +
                local.length + " values need " + length(local.length));
        }
        worker.barrier();
        if (worker.index() == 0 && rank == 0)
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
