package io.nups.apps.mf;

import io.nups.api.Worker;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.EpochStats;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One worker thread of {@link MfTask} on one node (reference §5.3, columnwise): localizes its share of the
 * node's row block once, then per epoch visits its columns in random order and each column's cells in random
 * order, localizing the column factors a few groups of cells ahead; after every epoch it evaluates its share
 * of the model, and the cluster-wide sums drive the bold driver identically on every worker. The update loop
 * reuses its buffers and allocates nothing but the occasional localize list.
 */
final class MfTaskWorker implements Runnable
{
    /** Updates clamp each component to this magnitude, as in NuPS. */
    private static final float CLAMP = 10_000f;
    private static final int PROGRESS_BATCH = 1000;
    private static final int LOCALIZE_BATCH = 8192;
    /** The reference seeds the column factors apart from the row factors by this offset. */
    private static final long COLUMN_SEED_OFFSET = 133_273;
    private static final int SUMS = 3;

    private final MfPlan plan;
    private final Worker worker;
    private final int index;
    private final int rank;
    private final boolean prelocalize;
    private final boolean resumed;
    private final ColumnBlocks blocks;
    private final Cells testShare;
    private final SplittableRandom rng;
    private final int[] pair = new int[2];
    private final float[] factors;
    private final float[] deltas;
    private final float[] single;
    private final BatchedErrors errors;
    private final BoldDriver driver;
    /** Column keys to localize next; one group's worth at most, i.e. up to all of this worker's columns. */
    private final int[] ahead;
    private int nextSegment;
    private long localizedCells;

    MfTaskWorker(final MfPlan plan, final Worker worker, final boolean resumed, final SplittableRandom rng)
    {
        this.resumed = resumed;
        this.plan = plan;
        this.worker = worker;
        this.index = worker.index();
        this.rank = plan.config.rank();
        this.prelocalize = plan.settings.localizeAhead() && plan.config.prelocalizeSteps() > 0;
        this.blocks = ColumnBlocks.chunk(plan.train, plan.threads(), index);
        this.ahead = new int[blocks.columns()];
        this.testShare = plan.test.slice(MfPlan.shareStart(plan.test.size(), index, plan.threads()),
            MfPlan.shareStart(plan.test.size(), index + 1, plan.threads()));
        this.rng = rng;
        this.factors = new float[2 * rank];
        this.deltas = new float[2 * rank];
        this.single = new float[rank];
        this.errors = new BatchedErrors(worker, rank);
        this.driver = new BoldDriver(plan.config.epsilon());
    }

    /** Each worker sets its share of the node's rows and of all columns, in the setup phase (for replicas). */
    private void initialize()
    {
        if (index == 0)
        {
            plan.ps.beginSetup();
        }
        worker.barrier();
        final long seed = plan.settings.seed();
        final int rowsFrom = rowShareStart(index);
        final int rowsTo = rowShareStart(index + 1);
        for (int row = rowsFrom; row < rowsTo; row++)
        {
            pushInitial(plan.keys.rowKey(row), seed, row);
        }
        final int colsFrom = colShareStart(globalWorker());
        final int colsTo = colShareStart(globalWorker() + 1);
        for (int col = colsFrom; col < colsTo; col++)
        {
            pushInitial(plan.keys.colKey(col), seed + COLUMN_SEED_OFFSET, col);
        }
        worker.waitAll();
        worker.barrier();
        if (index == 0)
        {
            plan.ps.endSetup();
        }
        worker.barrier();
    }

    @Override
    public void run()
    {
        if (!resumed)
        {
            initialize();
        }
        localizeRowShare();
        double rate = plan.config.epsilon();
        final Map<String, Double> initial = evaluate(rate);
        if (index == 0)
        {
            plan.run.log(String.format("initial model: rmse_train %.4f, rmse_test %.4f", initial.get("rmse_train"),
                initial.get("rmse_test")));
        }
        rate = driver.rate();
        Map<String, Double> latest = initial;
        for (int epoch = 1; epoch <= plan.settings.epochs(); epoch++)
        {
            if (index == 0)
            {
                plan.run.epochStarted(epoch, plan.train.size());
            }
            final long start = System.nanoTime();
            sgdPass((float)rate);
            worker.waitAll();
            worker.waitReplicaSync();
            worker.barrier();
            final double seconds = (System.nanoTime() - start) / 1e9;
            final Map<String, Double> metrics = evaluate(rate);
            latest = metrics;
            rate = driver.rate();
            if (index == 0)
            {
                final EpochStats stats = new EpochStats(epoch, seconds, plan.train.size(), metrics.get("loss"),
                    quality(metrics));
                plan.epochs.add(stats);
                plan.run.epochFinished(stats);
            }
        }
        if (index == 0)
        {
            plan.quality.putAll(quality(latest));
        }
    }

    private void sgdPass(final float learningRate)
    {
        final float step = 2 * learningRate;
        final float[] rowDecay = plan.rowDecay;
        blocks.shuffle(rng);
        nextSegment = 0;
        localizedCells = 0;
        final int group = plan.config.prelocalizeGroupSize();
        long done = 0;
        for (int position = 0; position < blocks.columns(); position++)
        {
            final int segment = blocks.segmentAt(position);
            final int col = blocks.col(segment);
            pair[1] = plan.keys.colKey(col);
            final float colDecay = plan.colDecay[col];
            for (int cell = blocks.start(segment); cell < blocks.end(segment); cell++)
            {
                if (prelocalize && done % group == 0)
                {
                    localizeColumnsAhead(done + (long)(plan.config.prelocalizeSteps() + 1) * group);
                }
                final int row = blocks.row(cell);
                pair[0] = plan.keys.rowKey(row);
                worker.waitFor(worker.pull(pair, factors));
                final float error = blocks.value(cell) - dotOfPair(factors);
                final float wDecay = rowDecay[row];
                for (int k = 0; k < rank; k++)
                {
                    final float w = factors[k];
                    final float h = factors[rank + k];
                    deltas[k] = clamp(step * (error * h - wDecay * w));
                    deltas[rank + k] = clamp(step * (error * w - colDecay * h));
                }
                worker.push(pair, deltas);
                if (++done % PROGRESS_BATCH == 0)
                {
                    plan.run.progress(PROGRESS_BATCH);
                }
            }
        }
        plan.run.progress(done % PROGRESS_BATCH);
    }

    /** Localizes the factors of the columns visited next until those cover the cells up to {@code untilCell}. */
    private void localizeColumnsAhead(final long untilCell)
    {
        int count = 0;
        while (localizedCells < untilCell && nextSegment < blocks.columns())
        {
            final int segment = blocks.segmentAt(nextSegment++);
            localizedCells += blocks.end(segment) - blocks.start(segment);
            final int key = plan.keys.colKey(blocks.col(segment));
            if (!plan.replicated.contains(key))
            {
                ahead[count++] = key;
            }
        }
        if (count > 0)
        {
            worker.localize(Arrays.copyOf(ahead, count));
        }
    }

    /** Moves this worker's share of the node's row factors here; a no-op on one node and in classic mode. */
    private void localizeRowShare()
    {
        final int to = rowShareStart(index + 1);
        for (int from = rowShareStart(index); from < to; from += LOCALIZE_BATCH)
        {
            final int[] keys = new int[Math.min(LOCALIZE_BATCH, to - from)];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = plan.keys.rowKey(from + i);
            }
            worker.localize(keys);
        }
        worker.waitAll();
        worker.barrier();
    }

    /**
     * Cluster-wide figures of the current model (reference: training loss = squared error + λ·(Σ‖w‖² + Σ‖h‖²),
     * test without penalty, both per cell), and feeds the training loss to the bold driver.
     */
    private Map<String, Double> evaluate(final double rate)
    {
        final double[] local = new double[SUMS];
        local[0] = trainSquaredError();
        local[1] = testSquaredError();
        local[2] = squaredNorms();
        final double[] sums = ClusterSums.sum(worker, plan.keys.lossKey(), local);
        final double loss = (sums[0] + plan.config.lambda() * sums[2]) / plan.trainTotal;
        if (!Double.isFinite(loss))
        {
            throw new IllegalStateException("training diverged (training loss " + loss + " at learning rate " +
                rate + "): lower epsilon");
        }
        if (plan.config.boldDriver())
        {
            driver.update(loss);
        }
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rmse_train", Math.sqrt(sums[0] / plan.trainTotal));
        final double mseTest = plan.testTotal > 0 ? sums[1] / plan.testTotal : Double.NaN;
        metrics.put("rmse_test", Math.sqrt(mseTest));
        metrics.put("mse_test", mseTest);
        metrics.put("loss", loss);
        return metrics;
    }

    private static Map<String, Double> quality(final Map<String, Double> metrics)
    {
        final Map<String, Double> quality = new LinkedHashMap<>(metrics);
        quality.remove("loss");
        return quality;
    }

    private double trainSquaredError()
    {
        for (int segment = 0; segment < blocks.columns(); segment++)
        {
            final int colKey = plan.keys.colKey(blocks.col(segment));
            for (int cell = blocks.start(segment); cell < blocks.end(segment); cell++)
            {
                errors.addCell(plan.keys.rowKey(blocks.row(cell)), colKey, blocks.value(cell));
            }
        }
        return errors.takeSum();
    }

    private double testSquaredError()
    {
        for (int cell = 0; cell < testShare.size(); cell++)
        {
            errors.addCell(plan.keys.rowKey(testShare.row(cell)), plan.keys.colKey(testShare.col(cell)),
                testShare.value(cell));
        }
        return errors.takeSum();
    }

    /** Σ‖w‖² over this worker's share of the node's rows plus Σ‖h‖² over its share of all columns. */
    private double squaredNorms()
    {
        for (int row = rowShareStart(index); row < rowShareStart(index + 1); row++)
        {
            errors.addNorm(plan.keys.rowKey(row));
        }
        for (int col = colShareStart(globalWorker()); col < colShareStart(globalWorker() + 1); col++)
        {
            errors.addNorm(plan.keys.colKey(col));
        }
        return errors.takeSum();
    }

    /** Sets a factor to N(0, rank^-1/4) entries drawn from its own stream, the same on any number of nodes. */
    private void pushInitial(final int key, final long seed, final int id)
    {
        final SplittableRandom values = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
        final double sd = Factors.unitProductSd(rank);
        for (int k = 0; k < rank; k++)
        {
            single[k] = (float)(sd * values.nextGaussian());
        }
        worker.push(key, single);
    }

    private int rowShareStart(final int share)
    {
        return plan.rowFrom + MfPlan.shareStart(plan.rowTo - plan.rowFrom, share, plan.threads());
    }

    private int globalWorker()
    {
        return plan.ps.rank() * plan.threads() + index;
    }

    private int colShareStart(final int share)
    {
        return MfPlan.shareStart(plan.cols, share, plan.ps.nodes() * plan.threads());
    }

    /** w·h of a pulled pair: w in the first half of {@code pair}, h in the second. */
    private float dotOfPair(final float[] both)
    {
        float sum = 0;
        for (int k = 0; k < rank; k++)
        {
            sum += both[k] * both[rank + k];
        }
        return sum;
    }

    private static float clamp(final float value)
    {
        return Math.max(-CLAMP, Math.min(CLAMP, value));
    }
}
