package io.nups.apps.mf;

import java.util.Collection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the MF worker threads share: their loss partial sums (plain arrays, ordered by the workers'
 * barriers), the learning rate of the next epoch, and, for the coordinating thread, their update counts
 * and the finished epochs' results.
 */
final class EpochBoard
{
    private final double[] trainSse;
    private final double[] testSse;
    private final double[] squaredNorms;
    private final AtomicLongArray updates;
    private final BlockingQueue<EpochResult> results;
    private final BoldDriver driver;
    private final int epochs;
    private final int trainCells;
    private final int testCells;
    private final double lambda;
    private volatile double learningRate;
    private volatile int epoch;

    EpochBoard(final int workers, final MfConfig config, final int trainCells, final int testCells)
    {
        this.trainSse = new double[workers];
        this.testSse = new double[workers];
        this.squaredNorms = new double[workers];
        this.updates = new AtomicLongArray(workers);
        this.results = new ArrayBlockingQueue<>(config.epochs() + 1);
        this.driver = new BoldDriver(config.learningRate());
        this.epochs = config.epochs();
        this.trainCells = trainCells;
        this.testCells = testCells;
        this.lambda = config.lambda();
        this.learningRate = config.learningRate();
    }

    /** Learning rate of the epoch about to start. */
    double learningRate()
    {
        return learningRate;
    }

    /** Epoch under way: 0 until the initial model is evaluated, then 1..epochs. */
    int epoch()
    {
        return epoch;
    }

    /** Records that {@code worker} has done {@code total} updates since the start, for progress displays. */
    void countUpdates(final int worker, final long total)
    {
        updates.lazySet(worker, total);
    }

    long updatesDone()
    {
        long sum = 0;
        for (int i = 0; i < updates.length(); i++)
        {
            sum += updates.get(i);
        }
        return sum;
    }

    /** A worker's share of the evaluation: squared errors on its train and test cells, squared norms of its keys. */
    void addLoss(final int worker, final double trainSquaredError, final double testSquaredError,
        final double squaredNorm)
    {
        trainSse[worker] = trainSquaredError;
        testSse[worker] = testSquaredError;
        squaredNorms[worker] = squaredNorm;
    }

    /**
     * Called by one worker after every worker's {@link #addLoss} and before any starts the next epoch: sums the
     * shares into the result of {@code finishedEpoch}, hands it to the coordinator and sets the next rate.
     */
    void publish(final int finishedEpoch, final long nanos)
    {
        final double train = sum(trainSse);
        final double trainLoss = (train + lambda * sum(squaredNorms)) / trainCells;
        final double rate = learningRate;
        if (!Double.isFinite(trainLoss))
        {
            throw new IllegalStateException("training diverged in epoch " + finishedEpoch + " (training loss " +
                trainLoss + " at learning rate " + rate + "): lower the learning rate");
        }
        results.add(new EpochResult(finishedEpoch, nanos / 1e9, finishedEpoch == 0 ? 0 : trainCells,
            Math.sqrt(train / trainCells), testCells > 0 ? Math.sqrt(sum(testSse) / testCells) : Double.NaN,
            trainLoss, rate));
        learningRate = driver.update(trainLoss);
        epoch = Math.min(finishedEpoch + 1, epochs);
    }

    /** The next published result, or null if none comes within {@code millis}. */
    EpochResult poll(final long millis) throws InterruptedException
    {
        return results.poll(millis, TimeUnit.MILLISECONDS);
    }

    void drainTo(final Collection<EpochResult> target)
    {
        results.drainTo(target);
    }

    private static double sum(final double[] values)
    {
        double sum = 0;
        for (final double value : values)
        {
            sum += value;
        }
        return sum;
    }
}
