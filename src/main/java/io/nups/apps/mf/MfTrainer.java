package io.nups.apps.mf;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Factorizes a sparse matrix by Hogwild SGD on the worker threads of one nups node (reference §5.3): a row
 * factor per row and a column factor per column, each a key of length rank; squared loss with an L2 penalty
 * spread over each row's and column's cells; bold-driver learning rate; train and test RMSE after every
 * epoch. The calling thread coordinates: it relays progress to the listener and stops the workers on the
 * first failure.
 */
public final class MfTrainer
{
    private static final long PROGRESS_INTERVAL_MILLIS = 200;
    /** Bound on waiting for worker threads to end once they finished or failed (node close waits up to 10 s). */
    private static final long JOIN_TIMEOUT_MILLIS = 15_000;
    /** Keeps the model's random stream apart from a data generator seeded with the same seed. */
    private static final long MODEL_SEED_SALT = 0x5DEECE66DL * 0x9E3779B97F4A7C15L;

    private final MfConfig config;

    public MfTrainer(final MfConfig config)
    {
        this.config = config;
    }

    /** Trains a fresh model on {@code data} for the configured epochs, telling {@code listener} as it goes. */
    public MfResult train(final SparseMatrix data, final MfListener listener)
    {
        final long keys = (long)data.rows() + data.cols();
        if (keys > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("rows + columns = " + keys + " keys exceed the key space of " +
                Integer.MAX_VALUE);
        }
        final int threads = config.threads();
        final MfWorker.Decay decay = new MfWorker.Decay(
            decay(data.train().countPer(data.rows(), false)), decay(data.train().countPer(data.cols(), true)));
        final EpochBoard board = new EpochBoard(threads, config, data.train().size(), data.test().size());
        final SplittableRandom seeds = new SplittableRandom(config.seed() ^ MODEL_SEED_SALT);
        final Nups.Builder builder = Nups.builder().keys((int)keys, config.rank()).threads(threads)
            .latencySampling(config.latencySampling());
        if (config.profile() != null)
        {
            builder.profile(config.profile());
        }
        try (ParameterServer ps = builder.start())
        {
            final Runnable[] tasks = new Runnable[threads];
            for (int i = 0; i < threads; i++)
            {
                tasks[i] = new MfWorker(ps.worker(i), threads, config, data, decay, board, seeds.split());
            }
            final WorkerGang gang = new WorkerGang("nups-mf", tasks);
            gang.start();
            final List<EpochResult> results = coordinate(gang, ps, board,
                (long)data.train().size() * config.epochs(), listener);
            return new MfResult(results, ps.latencySummary(), ps.memoryReport());
        }
    }

    private static List<EpochResult> coordinate(final WorkerGang gang, final ParameterServer ps, final EpochBoard board,
        final long updatesTotal, final MfListener listener)
    {
        final List<EpochResult> results = new ArrayList<>();
        RuntimeException listenerFailure = null;
        try
        {
            try
            {
                while (gang.running() && gang.failure() == null)
                {
                    final EpochResult result = board.poll(PROGRESS_INTERVAL_MILLIS);
                    if (result != null)
                    {
                        results.add(result);
                        listener.epochDone(result);
                    }
                    else
                    {
                        listener.progress(board.epoch(), board.updatesDone(), updatesTotal);
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                listenerFailure = ex; // the workers still run: stop and join them before reporting it
            }
            if (gang.failure() != null || listenerFailure != null)
            {
                ps.close(); // breaks the barrier the other workers may wait at
            }
            if (!gang.join(JOIN_TIMEOUT_MILLIS))
            {
                throw new IllegalStateException("MF worker threads still running " + JOIN_TIMEOUT_MILLIS / 1000 +
                    " s after the run ended", listenerFailure);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training", ex);
        }
        if (listenerFailure != null)
        {
            throw listenerFailure;
        }
        if (gang.failure() != null)
        {
            throw gang.failure();
        }
        final int relayed = results.size();
        board.drainTo(results);
        results.subList(relayed, results.size()).forEach(listener::epochDone);
        return results;
    }

    private float[] decay(final int[] cellCounts)
    {
        final float[] decay = new float[cellCounts.length];
        for (int i = 0; i < decay.length; i++)
        {
            decay[i] = cellCounts[i] == 0 ? 0 : (float)(config.lambda() / cellCounts[i]);
        }
        return decay;
    }
}
