package io.nups.apps.mf;

import io.nups.api.ParameterServer;
import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskRun;
import io.nups.apps.task.TaskSettings;
import io.nups.manage.HotKeys;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the workers of one node share in one {@link MfTask} run: the node's row block of the data (reference
 * §5.3: rows split into {@code ceil(rows / nodes)} blocks, one per node), sorted by column for the columnwise
 * schedule, its test cells, the global L2 weights, and the epoch figures worker 0 records.
 */
final class MfPlan
{
    final ParameterServer ps;
    final MfTaskConfig config;
    final TaskSettings settings;
    final TaskRun run;
    final MfKeys keys;
    final HotKeys replicated;
    final int rows;
    final int cols;
    final int rowFrom;
    final int rowTo;
    /** This node's training cells, sorted by column. */
    final Cells train;
    /** This node's test cells. */
    final Cells test;
    final long trainTotal;
    final long testTotal;
    /** λ / nnz of every row and column: each cell's share of its row's and column's L2 penalty. */
    final float[] rowDecay;
    final float[] colDecay;
    /** Written by worker 0 only; read after the workers were joined. */
    final List<EpochStats> epochs = new ArrayList<>();
    /** The last evaluation's quality, in report order; written by worker 0 only. */
    final Map<String, Double> quality = new LinkedHashMap<>();

    MfPlan(final ParameterServer ps, final MfTaskConfig config, final TaskSettings settings, final TaskRun run,
        final SparseMatrix data, final MfKeys keys, final int[] rowCounts, final int[] colCounts)
    {
        this.ps = ps;
        this.config = config;
        this.settings = settings;
        this.run = run;
        this.keys = keys;
        this.replicated = ps.replicatedKeys();
        this.rows = data.rows();
        this.cols = data.cols();
        final int block = (int)((rows + (long)ps.nodes() - 1) / ps.nodes());
        this.rowFrom = (int)Math.min(rows, (long)block * ps.rank());
        this.rowTo = (int)Math.min(rows, (long)block * (ps.rank() + 1));
        this.train = ColumnBlocks.sortByColumn(data.train().rowsWithin(rowFrom, rowTo), cols);
        this.test = data.test().rowsWithin(rowFrom, rowTo);
        this.trainTotal = data.train().size();
        this.testTotal = data.test().size();
        this.rowDecay = decay(rowCounts, config.lambda());
        this.colDecay = decay(colCounts, config.lambda());
    }

    int threads()
    {
        return settings.threads();
    }

    /** First of {@code size} items in share {@code share} of {@code shares} contiguous ones. */
    static int shareStart(final int size, final int share, final int shares)
    {
        return (int)((long)size * share / shares);
    }

    private static float[] decay(final int[] counts, final double lambda)
    {
        final float[] decay = new float[counts.length];
        for (int i = 0; i < decay.length; i++)
        {
            decay[i] = counts[i] == 0 ? 0 : (float)(lambda / counts[i]);
        }
        return decay;
    }
}
