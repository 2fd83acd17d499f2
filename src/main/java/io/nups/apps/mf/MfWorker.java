package io.nups.apps.mf;

import io.nups.api.Worker;

import java.util.SplittableRandom;

/**
 * One Hogwild SGD thread of {@link MfTrainer}: owns a fixed share of the training cells, which it visits in a
 * fresh random order every epoch, pulling both factors of a cell and pushing their updates without any
 * lock. It also evaluates its share of the model after every epoch. The inner loop reuses its buffers and
 * allocates nothing.
 */
final class MfWorker implements Runnable
{
    /** Updates clamp each component to this magnitude, as in NuPS. */
    static final float CLAMP = 10_000f;
    /** Publish the update count every 4,096 updates. */
    private static final int PROGRESS_MASK = 4095;

    private final Worker worker;
    private final int index;
    private final int threads;
    private final int rank;
    private final int epochs;
    private final SparseMatrix data;
    private final Decay decay;
    private final EpochBoard board;
    private final SplittableRandom rng;
    private final int trainFrom;
    private final int trainTo;
    private final int[] order;
    private final float[] w;
    private final float[] h;
    private final float[] dw;
    private final float[] dh;
    private long updates;

    /** λ / nnz per row and per column: each cell's share of the L2 penalty of its row and column. */
    record Decay(float[] rows, float[] cols)
    {
    }

    MfWorker(final Worker worker, final int threads, final MfConfig config, final SparseMatrix data,
        final Decay decay, final EpochBoard board, final SplittableRandom rng)
    {
        this.worker = worker;
        this.index = worker.index();
        this.threads = threads;
        this.rank = config.rank();
        this.epochs = config.epochs();
        this.data = data;
        this.decay = decay;
        this.board = board;
        this.rng = rng;
        this.trainFrom = shareStart(data.train().size());
        this.trainTo = shareStart(data.train().size(), index + 1);
        this.order = Permutations.range(trainFrom, trainTo);
        this.w = new float[rank];
        this.h = new float[rank];
        this.dw = new float[rank];
        this.dh = new float[rank];
    }

    /** Key of row {@code row}'s factor. */
    static int rowKey(final int row)
    {
        return row;
    }

    /** Key of column {@code col}'s factor: columns follow the rows. */
    static int colKey(final int rows, final int col)
    {
        return rows + col;
    }

    @Override
    public void run()
    {
        if (index == 0)
        {
            initializeModel();
        }
        worker.barrier();
        evaluate(0, 0);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            final long start = System.nanoTime();
            sgdPass((float)board.learningRate());
            worker.waitAll();
            worker.barrier();
            evaluate(epoch, System.nanoTime() - start);
        }
    }

    /** Sets every factor to N(0, rank^-1/4) entries, so that initial predictions have unit variance like the data. */
    private void initializeModel()
    {
        final double sd = Factors.unitProductSd(rank);
        final int keys = data.rows() + data.cols();
        for (int key = 0; key < keys; key++)
        {
            for (int k = 0; k < rank; k++)
            {
                w[k] = (float)(sd * rng.nextGaussian());
            }
            worker.set(key, w);
        }
        worker.waitAll();
    }

    private void sgdPass(final float learningRate)
    {
        final Cells train = data.train();
        final float step = 2 * learningRate;
        Permutations.shuffle(order, rng);
        for (int n = 0; n < order.length; n++)
        {
            final int cell = order[n];
            final int row = train.row(cell);
            final int col = train.col(cell);
            final int rowKey = rowKey(row);
            final int colKey = colKey(data.rows(), col);
            worker.waitFor(worker.pull(rowKey, w));
            worker.waitFor(worker.pull(colKey, h));
            final float error = train.value(cell) - dot(w, h);
            final float rowDecay = decay.rows()[row];
            final float colDecay = decay.cols()[col];
            for (int k = 0; k < rank; k++)
            {
                dw[k] = clamp(step * (error * h[k] - rowDecay * w[k]));
                dh[k] = clamp(step * (error * w[k] - colDecay * h[k]));
            }
            worker.push(rowKey, dw);
            worker.push(colKey, dh);
            if ((n & PROGRESS_MASK) == PROGRESS_MASK)
            {
                board.countUpdates(index, updates + n + 1);
            }
        }
        updates += order.length;
        board.countUpdates(index, updates);
    }

    /** Adds this worker's share of the loss to the board; then one worker sums them up while the others wait. */
    private void evaluate(final int epoch, final long nanos)
    {
        final Cells test = data.test();
        final int keys = data.rows() + data.cols();
        board.addLoss(index, squaredError(data.train(), trainFrom, trainTo),
            squaredError(test, shareStart(test.size()), shareStart(test.size(), index + 1)),
            squaredNorm(shareStart(keys), shareStart(keys, index + 1)));
        worker.barrier();
        if (index == 0)
        {
            board.publish(epoch, nanos);
        }
        worker.barrier();
    }

    private double squaredError(final Cells cells, final int from, final int to)
    {
        double sum = 0;
        for (int cell = from; cell < to; cell++)
        {
            worker.waitFor(worker.pull(rowKey(cells.row(cell)), w));
            worker.waitFor(worker.pull(colKey(data.rows(), cells.col(cell)), h));
            final double error = cells.value(cell) - dot(w, h);
            sum += error * error;
        }
        return sum;
    }

    private double squaredNorm(final int fromKey, final int toKey)
    {
        double sum = 0;
        for (int key = fromKey; key < toKey; key++)
        {
            worker.waitFor(worker.pull(key, w));
            sum += dot(w, w);
        }
        return sum;
    }

    private int shareStart(final int size)
    {
        return shareStart(size, index);
    }

    /** First item of worker {@code worker}'s contiguous share of {@code size} items. */
    private int shareStart(final int size, final int worker)
    {
        return (int)((long)size * worker / threads);
    }

    private float dot(final float[] a, final float[] b)
    {
        float sum = 0;
        for (int k = 0; k < rank; k++)
        {
            sum += a[k] * b[k];
        }
        return sum;
    }

    private static float clamp(final float value)
    {
        return Math.max(-CLAMP, Math.min(CLAMP, value));
    }
}
