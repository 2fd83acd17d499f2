package io.nups.apps.mf;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskRun;
import io.nups.apps.task.TaskRunner;
import io.nups.apps.task.TaskSettings;
import io.nups.apps.task.TrainingTask;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Matrix factorization as a {@code nups train} task (reference §5.3): a row factor per row and a column factor
 * per column (keys: rows, then columns, then one loss key), SGD on squared loss with L2 weighted by each row's
 * and column's cell count, the columnwise schedule (each node trains its block of rows; its workers own
 * column-sorted chunks and localize column factors ahead), bold driver on the cluster-wide training loss, and
 * cluster-wide {@code rmse_train}, {@code rmse_test} and {@code mse_test} after every epoch.
 */
public final class MfTask implements TrainingTask
{
    /** Bound on waiting for the worker threads once they finished or one failed. */
    private static final long JOIN_TIMEOUT_MILLIS = 60_000;

    private final MfTaskConfig config;
    private final SparseMatrix data;
    private final MfKeys keys;
    private final int[] rowCounts;
    private final int[] colCounts;

    /**
     * @param config model and SGD settings
     * @param data   the whole matrix; every node passes the same and trains its row block of it
     */
    public MfTask(final MfTaskConfig config, final SparseMatrix data)
    {
        this.config = config;
        this.data = data;
        this.keys = new MfKeys(data.rows(), data.cols());
        this.rowCounts = data.train().countPer(data.rows(), false);
        this.colCounts = data.train().countPer(data.cols(), true);
    }

    @Override
    public String name()
    {
        return "mf";
    }

    @Override
    public void configure(final Nups.Builder builder, final TaskSettings settings)
    {
        builder.keys(keys.numKeys())
            .valueLength(0, keys.factorKeys(), config.rank())
            .valueLength(keys.lossKey(), keys.numKeys(), ClusterSums.length(TaskRunner.SUM_VALUES));
    }

    @Override
    public int sumKey()
    {
        return keys.lossKey();
    }

    /**
     * Training cells per column at the column keys, 0 at the row keys and the sum key: in the columnwise schedule
     * a row is trained only by the node owning its row block, which localizes it, so only columns are shared and
     * worth replicating; {@code --replicate N} then picks the N most frequent columns, as the reference does
     * with its column-frequency file, and the replicated share of accesses is that of column accesses.
     */
    @Override
    public long[] keyFrequencies()
    {
        final long[] counts = new long[keys.numKeys()];
        for (int col = 0; col < colCounts.length; col++)
        {
            counts[keys.colKey(col)] = colCounts[col];
        }
        return counts;
    }

    @Override
    public TaskResult train(final ParameterServer ps, final TaskSettings settings, final TaskRun run,
        final boolean resumed)
    {
        if (ps.threads() != settings.threads())
        {
            throw new IllegalArgumentException("the server has " + ps.threads() + " worker threads, the settings say " +
                settings.threads());
        }
        if (ps.replicatedKeys().contains(keys.lossKey()))
        {
            throw new IllegalArgumentException("key " + keys.lossKey() + " carries MF's loss sums and must not be " +
                "replicated");
        }
        final MfPlan plan = new MfPlan(ps, config, settings, run, data, keys, rowCounts, colCounts);
        run.log(String.format("mf: %d x %d, %d train and %d test cells; this node trains rows [%d, %d): %d cells",
            data.rows(), data.cols(), data.train().size(), data.test().size(), plan.rowFrom, plan.rowTo,
            plan.train.size()));
        final SplittableRandom seeds = new SplittableRandom(settings.seed() * 31 + ps.rank());
        final Runnable[] workers = new Runnable[settings.threads()];
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = new MfTaskWorker(plan, ps.worker(i), resumed, seeds.split());
        }
        final WorkerGang gang = new WorkerGang("nups-mf-" + ps.rank(), workers);
        gang.start();
        try
        {
            while (!gang.join(JOIN_TIMEOUT_MILLIS))
            {
                if (gang.failure() != null)
                {
                    throw new IllegalStateException("MF worker threads still running " + JOIN_TIMEOUT_MILLIS / 1000 +
                        " s after one failed", gang.failure());
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", ex);
        }
        if (gang.failure() != null)
        {
            throw gang.failure();
        }
        return new TaskResult(plan.epochs, plan.quality);
    }

    @Override
    public void export(final ParameterServer ps, final Path directory) throws IOException
    {
        FactorExport.write(ps.worker(0), keys, data.rows(), data.cols(), config.rank(), directory);
    }
}
