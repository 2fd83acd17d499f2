package io.nups.apps.task;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small real task for testing the runner and the train command: learns one scalar per key from noisy
 * observations by SGD on the squared error, every worker over its share of the observations, and reports the
 * cluster-wide mean squared error. Keys {@code [0, keys)} hold the scalars (and a second float left to the
 * optimizer, always the number of updates, so checkpoints carry optimizer state); key {@code keys} is the sum key.
 */
public final class FitTask implements TrainingTask
{
    private static final float LEARNING_RATE = 0.1f;

    private final int keys;
    private final int[] observedKeys;
    private final float[] observations;

    /** {@code perKey} observations of every key's true value {@code key / keys}, with uniform noise of ±0.01. */
    public FitTask(final int keys, final int perKey, final long seed)
    {
        this.keys = keys;
        observedKeys = new int[keys * perKey];
        observations = new float[keys * perKey];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < observedKeys.length; i++)
        {
            observedKeys[i] = random.nextInt(keys);
            observations[i] = (float)observedKeys[i] / keys + (float)(random.nextDouble() - 0.5) * 0.02f;
        }
    }

    @Override
    public String name()
    {
        return "fit";
    }

    @Override
    public void configure(final Nups.Builder builder, final TaskSettings settings)
    {
        builder.keys(keys + 1).valueLength(0, keys, 2).valueLength(keys, keys + 1, ClusterSums.length(TaskRunner.SUM_VALUES));
    }

    @Override
    public int sumKey()
    {
        return keys;
    }

    @Override
    public long[] keyFrequencies()
    {
        final long[] counts = new long[keys + 1];
        for (final int key : observedKeys)
        {
            counts[key]++;
        }
        return counts;
    }

    @Override
    public TaskResult train(final ParameterServer ps, final TaskSettings settings, final TaskRun run,
        final boolean resumed)
    {
        final int share = ps.nodes() * settings.threads();
        final List<EpochStats> epochs = new ArrayList<>();
        final double[] mse = new double[1];
        final java.util.concurrent.atomic.AtomicLong nodeUpdates = new java.util.concurrent.atomic.AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        final Throwable[] failure = new Throwable[1];
        for (int w = 0; w < settings.threads(); w++)
        {
            final Worker worker = ps.worker(w);
            final int part = ps.rank() * settings.threads() + w;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final float[] value = new float[2];
                    for (int epoch = 1; epoch <= settings.epochs(); epoch++)
                    {
                        if (worker.index() == 0)
                        {
                            run.epochStarted(epoch, observedKeys.length / ps.nodes());
                            nodeUpdates.set(0);
                        }
                        worker.barrier();
                        final long start = System.nanoTime();
                        long updates = 0;
                        double loss = 0;
                        for (int i = part; i < observedKeys.length; i += share)
                        {
                            worker.waitFor(worker.pull(observedKeys[i], value));
                            final float error = value[0] - observations[i];
                            loss += error * error;
                            worker.waitFor(worker.push(observedKeys[i], new float[] {-LEARNING_RATE * error, 1}));
                            updates++;
                        }
                        run.progress(updates);
                        nodeUpdates.addAndGet(updates);
                        final double seconds = (System.nanoTime() - start) / 1e9;
                        final double[] sums = ClusterSums.sum(worker, keys, new double[] {loss, updates});
                        if (worker.index() == 0)
                        {
                            synchronized (epochs)
                            {
                                epochs.add(new EpochStats(epoch, seconds, nodeUpdates.get(), sums[0] / sums[1],
                                    Map.of()));
                            }
                            run.epochFinished(epochs.get(epochs.size() - 1));
                        }
                    }
                    double squared = 0;
                    long count = 0;
                    for (int i = part; i < observedKeys.length; i += share)
                    {
                        worker.waitFor(worker.pull(observedKeys[i], value));
                        final double error = value[0] - (double)observedKeys[i] / keys;
                        squared += error * error;
                        count++;
                    }
                    final double[] sums = ClusterSums.sum(worker, keys, new double[] {squared, count});
                    mse[0] = sums[0] / sums[1];
                }
                catch (final Throwable ex)
                {
                    failure[0] = ex;
                }
            }, "fit-r" + ps.rank() + "-w" + w);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(60_000);
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        if (failure[0] != null)
        {
            throw new IllegalStateException("fit worker failed", failure[0]);
        }
        return new TaskResult(epochs, Map.of("mse", mse[0]));
    }

    @Override
    public void export(final ParameterServer ps, final Path directory) throws IOException
    {
        final StringBuilder text = new StringBuilder();
        final float[] value = new float[2];
        for (int key = 0; key < keys; key++)
        {
            ps.worker(0).waitFor(ps.worker(0).pull(key, value));
            text.append(key).append('\t').append(value[0]).append('\t').append(value[1]).append('\n');
        }
        Files.writeString(directory.resolve("values.tsv"), text);
    }
}
