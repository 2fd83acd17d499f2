package io.nups.cli;

import io.nups.apps.mf.EpochResult;
import io.nups.apps.mf.MatrixSpec;
import io.nups.apps.mf.MfConfig;
import io.nups.apps.mf.MfResult;
import io.nups.apps.mf.MfTrainer;
import io.nups.apps.mf.SparseMatrix;
import io.nups.apps.mf.ZipfMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code nups demo}: a self-contained tour of nups. Generates a synthetic Zipf matrix like the NuPS paper's
 * (hot rows and columns, known rank and noise) and factorizes it by Hogwild SGD on the worker threads of one
 * node, showing that the model learns down towards the noise floor and what the parameter server measured.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Matrix factorization by Hogwild SGD on the worker threads of one node, on a synthetic matrix whose " +
            "row and column indices follow Zipf(1.1) (rank-k ground truth plus Gaussian noise).",
        "Prints train and test RMSE per epoch, the noise floor they approach, then the latency and memory " +
            "reports of the parameter server."
    })
final class DemoCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--rows", defaultValue = "10000", converter = Bounds.PositiveInt.class,
        description = "Rows of the matrix (default: ${DEFAULT-VALUE}).")
    private int rows;

    @Option(names = "--cols", defaultValue = "2000", converter = Bounds.PositiveInt.class,
        description = "Columns of the matrix (default: ${DEFAULT-VALUE}).")
    private int cols;

    @Option(names = "--rank", defaultValue = "16", converter = Bounds.PositiveInt.class,
        description = "Rank of the ground truth and of the model (default: ${DEFAULT-VALUE}).")
    private int rank;

    @Option(names = "--train-cells", defaultValue = "2000000", converter = Bounds.PositiveInt.class,
        description = "Distinct revealed cells to train on (default: ${DEFAULT-VALUE}).")
    private int trainCells;

    @Option(names = "--test-cells", defaultValue = "100000", converter = Bounds.NonNegativeInt.class,
        description = "Further distinct cells held out for testing (default: ${DEFAULT-VALUE}).")
    private int testCells;

    @Option(names = "--noise", defaultValue = "0.1", converter = Bounds.NonNegativeDouble.class,
        description = "Standard deviation of the Gaussian noise on every cell: the best reachable RMSE " +
            "(default: ${DEFAULT-VALUE}).")
    private double noise;

    @Option(names = "--epochs", defaultValue = "15", converter = Bounds.PositiveInt.class,
        description = "Passes over the training cells (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(names = "--threads", converter = Bounds.PositiveInt.class,
        description = "Worker threads (default: the number of processors, here ${DEFAULT-VALUE}).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--lr", defaultValue = "0.03", converter = Bounds.PositiveDouble.class,
        description = "Initial learning rate; the bold driver adapts it per epoch (default: ${DEFAULT-VALUE}).")
    private double learningRate;

    @Option(names = "--lambda", defaultValue = "0.05", converter = Bounds.NonNegativeDouble.class,
        description = "L2 regularization (default: ${DEFAULT-VALUE}).")
    private double lambda;

    @Option(names = "--seed", defaultValue = "1",
        description = "Seed of the data and the model; equal seeds give equal data (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--profile", paramLabel = "DIR",
        description = "Write HdrHistogram latency logs (.hlog, .hgrm) into DIR.")
    private Path profile;

    @Option(names = "--latency-sampling", paramLabel = "N", defaultValue = "16", converter = Bounds.PowerOfTwo.class,
        description = "Time 1 of every N parameter-server operations, a power of two (default: ${DEFAULT-VALUE}).")
    private int latencySampling;

    @Override
    public Integer call()
    {
        final MatrixSpec matrix;
        final MfConfig config;
        try
        {
            matrix = new MatrixSpec(rows, cols, rank, trainCells, testCells, noise, MatrixSpec.PAPER_EXPONENT, seed);
            config = new MfConfig(rank, epochs, threads, learningRate, lambda, seed, latencySampling, profile);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), "Invalid options: " + ex.getMessage(), ex);
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.printf("nups demo: MF by Hogwild SGD | data: %,d x %,d Zipf(%.1f) matrix, rank %d + noise sd %.3g, " +
                "%,d train / %,d test cells | model: %,d keys x %d floats, lr %.3g, lambda %.3g | %d threads, %d epochs%n",
            rows, cols, matrix.exponent(), rank, noise, trainCells, testCells, (long)rows + cols, rank,
            learningRate, lambda, threads, epochs);
        out.flush();

        final long start = System.nanoTime();
        final SparseMatrix data = ZipfMatrix.generate(matrix);
        out.printf("generated the matrix in %.1f s%n", (System.nanoTime() - start) / 1e9);
        out.flush();

        final MfResult result = new MfTrainer(config).train(data,
            new ConsoleProgress(out, System.console() != null, epochs));
        final EpochResult last = result.last();
        out.printf("test RMSE %.4f -> %.4f; noise floor (noise sd) %.4f%n",
            result.initial().testRmse(), last.testRmse(), noise);
        out.printf("total: %,d updates in %.1f s of SGD, %.3f M updates/s on %d threads%n%n",
            result.totalUpdates(), result.trainSeconds(), result.updatesPerSecond() / 1e6, threads);
        out.println(result.latencySummary());
        out.println(result.memoryReport());
        out.flush();
        return 0;
    }
}
