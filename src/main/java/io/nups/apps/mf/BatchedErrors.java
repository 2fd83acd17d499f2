package io.nups.apps.mf;

import io.nups.api.Worker;

/**
 * Sums squared prediction errors (or squared factor norms) over many cells with one pull per batch of cells
 * instead of one per cell: evaluating cells whose factors live on other nodes then costs a round trip per
 * batch. Buffers are reused; a partial last batch pads its keys with the first cell's.
 */
final class BatchedErrors
{
    private static final int BATCH = 256;

    private final Worker worker;
    private final int rank;
    private final int[] pairKeys = new int[2 * BATCH];
    private final float[] pairValues;
    private final int[] singleKeys = new int[BATCH];
    private final float[] singleValues;
    private final float[] targets = new float[BATCH];
    private int pairs;
    private int singles;
    private double sum;

    BatchedErrors(final Worker worker, final int rank)
    {
        this.worker = worker;
        this.rank = rank;
        this.pairValues = new float[2 * BATCH * rank];
        this.singleValues = new float[BATCH * rank];
    }

    /** Adds (x - w·h)² of a cell with row factor {@code rowKey}, column factor {@code colKey} and value x. */
    void addCell(final int rowKey, final int colKey, final float value)
    {
        pairKeys[2 * pairs] = rowKey;
        pairKeys[2 * pairs + 1] = colKey;
        targets[pairs] = value;
        if (++pairs == BATCH)
        {
            flushCells();
        }
    }

    /** Adds ‖v‖² of the factor at {@code key}. */
    void addNorm(final int key)
    {
        singleKeys[singles] = key;
        if (++singles == BATCH)
        {
            flushNorms();
        }
    }

    /** The sum of everything added since the last call. */
    double takeSum()
    {
        flushCells();
        flushNorms();
        final double total = sum;
        sum = 0;
        return total;
    }

    private void flushCells()
    {
        if (pairs == 0)
        {
            return;
        }
        for (int i = 2 * pairs; i < pairKeys.length; i++)
        {
            pairKeys[i] = pairKeys[i & 1];
        }
        worker.waitFor(worker.pull(pairKeys, pairValues));
        for (int cell = 0; cell < pairs; cell++)
        {
            final int w = 2 * cell * rank;
            final int h = w + rank;
            float prediction = 0;
            for (int k = 0; k < rank; k++)
            {
                prediction += pairValues[w + k] * pairValues[h + k];
            }
            final double error = targets[cell] - prediction;
            sum += error * error;
        }
        pairs = 0;
    }

    private void flushNorms()
    {
        if (singles == 0)
        {
            return;
        }
        for (int i = singles; i < singleKeys.length; i++)
        {
            singleKeys[i] = singleKeys[0];
        }
        worker.waitFor(worker.pull(singleKeys, singleValues));
        for (int i = 0; i < singles * rank; i++)
        {
            sum += (double)singleValues[i] * singleValues[i];
        }
        singles = 0;
    }
}
