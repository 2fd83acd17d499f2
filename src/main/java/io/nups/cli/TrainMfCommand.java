package io.nups.cli;

import io.nups.apps.mf.MatrixSpec;
import io.nups.apps.mf.MfDataset;
import io.nups.apps.mf.MfTask;
import io.nups.apps.mf.MfTaskConfig;
import io.nups.apps.mf.SparseMatrix;
import io.nups.apps.mf.ZipfMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@code nups train mf}: matrix factorization (reference §5.3) on a MatrixMarket data directory
 * ({@code gen_nups_synth.py mf}) or on a synthetic Zipf(1.1) low-rank matrix generated in memory (§6.2).
 */
@Command(
    name = "mf",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Matrix factorization by SGD in the reference's columnwise schedule: each node trains its block of rows, " +
            "its workers visit columns in random order and localize column factors ahead (lapse, nups).",
        "Data: --data DIR with train.mmc (and test.mmc) in MatrixMarket coordinate format, as " +
            "gen_nups_synth.py mf writes it; without --data, a synthetic Zipf matrix (--rows, --cols, ...).",
        "Quality: rmse_train, rmse_test and mse_test, cluster-wide. --export writes row_factors.f32 and " +
            "col_factors.f32 (a JSON header line, then float32 values)."
    })
final class TrainMfCommand extends TrainTaskCommand
{
    @Option(names = "--data", paramLabel = "DIR", order = 40,
        description = "Directory with train.mmc and optionally test.mmc (default: a synthetic matrix).")
    Path data;

    @Option(names = "--cache-dir", paramLabel = "DIR", order = 41,
        description = "Where to keep the binary caches of the .mmc files (default: next to them).")
    Path cacheDir;

    @Option(names = "--dim", defaultValue = "" + MfTaskConfig.DEFAULT_RANK, converter = Bounds.PositiveInt.class,
        order = 42, description = "Rank of the model: length of every row and column factor (the reference's " +
            "--rank; --rank here is the node's) (default: ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = {"--epsilon", "--eps"}, defaultValue = "" + MfTaskConfig.DEFAULT_EPSILON,
        converter = Bounds.PositiveDouble.class, order = 43,
        description = "Initial SGD step size; the bold driver adapts it (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--lambda", defaultValue = "" + MfTaskConfig.DEFAULT_LAMBDA,
        converter = Bounds.NonNegativeDouble.class, order = 44,
        description = "L2 regularization, weighted by each row's and column's cells (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--bold_driver", paramLabel = "true|false", arity = "1", defaultValue = "true", order = 45,
        description = "After each epoch grow epsilon by 5%% if the training loss fell, else halve it " +
            "(default: ${DEFAULT-VALUE}).")
    boolean boldDriver;

    @Option(names = "--prelocalize_groupsize", defaultValue = "" + MfTaskConfig.DEFAULT_PRELOCALIZE_GROUP_SIZE,
        converter = Bounds.PositiveInt.class, order = 46,
        description = "With --localize-ahead: localize upcoming column factors every N data points " +
            "(default: ${DEFAULT-VALUE}).")
    int prelocalizeGroupSize;

    @Option(names = "--prelocalize_steps", defaultValue = "" + MfTaskConfig.DEFAULT_PRELOCALIZE_STEPS,
        converter = Bounds.NonNegativeInt.class, order = 47,
        description = "With --localize-ahead: how many further groups ahead to localize (default: ${DEFAULT-VALUE}).")
    int prelocalizeSteps;

    @Option(names = "--rows", defaultValue = "100000", converter = Bounds.PositiveInt.class, order = 50,
        description = "Synthetic matrix: rows (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--cols", defaultValue = "10000", converter = Bounds.PositiveInt.class, order = 51,
        description = "Synthetic matrix: columns (default: ${DEFAULT-VALUE}).")
    int cols;

    @Option(names = "--true-rank", defaultValue = "10", converter = Bounds.PositiveInt.class, order = 52,
        description = "Synthetic matrix: rank of the ground truth (default: ${DEFAULT-VALUE}).")
    int trueRank;

    @Option(names = "--train-cells", defaultValue = "1000000", converter = Bounds.PositiveInt.class, order = 53,
        description = "Synthetic matrix: distinct training cells (default: ${DEFAULT-VALUE}).")
    int trainCells;

    @Option(names = "--test-cells", defaultValue = "100000", converter = Bounds.NonNegativeInt.class, order = 54,
        description = "Synthetic matrix: further distinct test cells (default: ${DEFAULT-VALUE}).")
    int testCells;

    @Option(names = "--noise", defaultValue = "0.1", converter = Bounds.NonNegativeDouble.class, order = 55,
        description = "Synthetic matrix: standard deviation of the Gaussian noise, the reachable RMSE " +
            "(default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--zipf", defaultValue = "" + MatrixSpec.PAPER_EXPONENT, converter = Bounds.PositiveDouble.class,
        order = 56, description = "Synthetic matrix: Zipf exponent of rows and columns (default: ${DEFAULT-VALUE}).")
    double zipf;

    @Option(names = "--data-seed", defaultValue = "1", order = 57,
        description = "Synthetic matrix: seed, the same on every node (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Override
    MfTask task()
    {
        try
        {
            final MfTaskConfig config = new MfTaskConfig(rank, epsilon, lambda, boldDriver, prelocalizeGroupSize,
                prelocalizeSteps);
            return new MfTask(config, matrix());
        }
        catch (final IllegalArgumentException | UncheckedIOException ex)
        {
            throw fail(ex.getMessage());
        }
    }

    private SparseMatrix matrix()
    {
        if (data == null)
        {
            return ZipfMatrix.generate(new MatrixSpec(rows, cols, trueRank, trainCells, testCells, noise, zipf, dataSeed));
        }
        final PrintWriter out = spec.commandLine().getOut();
        return MfDataset.load(data, cacheDir, line ->
        {
            out.println(line);
            out.flush();
        });
    }
}
