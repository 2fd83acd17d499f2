package io.nups.apps.task;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.metrics.OpKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link TrainingTask} on this node: starts the server, restores a checkpoint when asked, trains, totals
 * the per-node figures over the cluster, and on rank 0 writes the run summary, the export and the checkpoint
 * while the other nodes keep serving their keys. Every node of the cluster runs it with the same arguments.
 */
public final class TaskRunner
{
    /** Doubles per {@link ClusterSums} call of the runner; a task's sum key must hold this many. */
    public static final int SUM_VALUES = 16;

    /** Per-node figures the runner totals after training, by position in the summed vector. */
    private static final int LOCAL_KEYS = 0;
    private static final int REMOTE_KEYS = 1;
    private static final int LOCALIZED_KEYS = 2;
    private static final int SYNC_ROUNDS = 3;
    private static final int NODE_FIGURES = 4;

    /**
     * Where a run writes; each null when not asked for.
     *
     * @param summary    the JSON run summary (rank 0)
     * @param export     directory for the task's export files (rank 0)
     * @param checkpoint directory for the checkpoint written after training (rank 0)
     * @param resume     directory of a checkpoint to restore before training
     */
    public record Outputs(Path summary, Path export, Path checkpoint, Path resume)
    {
        public static final Outputs NONE = new Outputs(null, null, null, null);
    }

    /**
     * What the run produced on this node.
     *
     * @param result         the task's own result on this node
     * @param summary        the run summary (the same on every node; rank 0 wrote it to the file)
     * @param latencySummary this node's latency table
     */
    public record Report(TaskResult result, Map<String, Object> summary, String latencySummary)
    {
    }

    private TaskRunner()
    {
    }

    /**
     * Runs {@code task} on the node {@code builder} starts ({@link TrainingTask#configure} already applied).
     *
     * @param description run settings for the summary (mode, transport, flags), in report order
     */
    public static Report run(final TrainingTask task, final Nups.Builder builder, final TaskSettings settings,
        final Map<String, Object> description, final Outputs outputs, final TaskRun run)
    {
        try (ParameterServer ps = builder.start())
        {
            int resumedEpochs = -1;
            if (outputs.resume() != null)
            {
                resumedEpochs = restore(ps, task, outputs.resume().resolve(CheckpointDescriptor.FILE_NAME));
                run.log("restored " + outputs.resume() + " (" + resumedEpochs + " epochs trained)");
            }
            final TaskResult result = task.train(ps, settings, run, resumedEpochs >= 0);
            ps.waitReplicaSync();
            final double[] totals = totalOverCluster(ps, task.sumKey(), nodeFigures(ps, result));
            final Map<String, Object> summary = summary(task, ps, settings, description, result, totals,
                resumedEpochs);
            ps.barrier();
            if (ps.rank() == 0)
            {
                writeOutputs(ps, task, outputs, summary, Math.max(0, resumedEpochs) + result.epochs().size(), run);
            }
            ps.barrier(); // the others serve their keys until rank 0 has exported and saved
            return new Report(result, summary, ps.latencySummary());
        }
    }

    private static int restore(final ParameterServer ps, final TrainingTask task, final Path file)
    {
        ps.beginSetup();
        ps.barrier();
        int epochs = 0;
        RuntimeException failure = null;
        if (ps.rank() == 0)
        {
            try
            {
                epochs = Checkpoint.restore(ps, ps.worker(0), task.name(), file);
            }
            catch (final IOException ex)
            {
                failure = new UncheckedIOException("cannot resume: " + ex.getMessage(), ex);
            }
        }
        if (failure != null)
        {
            throw failure; // the others fail on the lost node, naming it
        }
        ps.barrier();
        ps.endSetup();
        ps.barrier();
        return epochs;
    }

    private static void writeOutputs(final ParameterServer ps, final TrainingTask task, final Outputs outputs,
        final Map<String, Object> summary, final int epochs, final TaskRun run)
    {
        try
        {
            if (outputs.export() != null)
            {
                Files.createDirectories(outputs.export());
                task.export(ps, outputs.export());
                run.log("exported the model to " + outputs.export());
            }
            if (outputs.checkpoint() != null)
            {
                final Path file = Checkpoint.save(ps, ps.worker(0), task.name(), epochs, outputs.checkpoint());
                run.log("checkpoint written to " + file + " (" + epochs + " epochs)");
            }
            if (outputs.summary() != null)
            {
                final Path parent = outputs.summary().toAbsolutePath().getParent();
                if (parent != null)
                {
                    Files.createDirectories(parent);
                }
                Files.writeString(outputs.summary(), Json.write(summary));
                run.log("run summary written to " + outputs.summary());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the run's output: " + ex.getMessage(), ex);
        }
    }

    /** This node's figures: the fixed ones, then updates and seconds of every epoch. */
    private static double[] nodeFigures(final ParameterServer ps, final TaskResult result)
    {
        final List<EpochStats> epochs = result.epochs();
        final double[] figures = new double[NODE_FIGURES + 2 * epochs.size()];
        figures[LOCAL_KEYS] = ps.keys(OpKind.LOCAL_PULL) + ps.keys(OpKind.LOCAL_PUSH);
        figures[REMOTE_KEYS] = ps.keys(OpKind.REMOTE_PULL) + ps.keys(OpKind.REMOTE_PUSH);
        figures[LOCALIZED_KEYS] = ps.keys(OpKind.LOCALIZE);
        figures[SYNC_ROUNDS] = ps.replicaRounds();
        for (int i = 0; i < epochs.size(); i++)
        {
            figures[NODE_FIGURES + 2 * i] = epochs.get(i).updates();
            figures[NODE_FIGURES + 2 * i + 1] = epochs.get(i).seconds();
        }
        return figures;
    }

    /**
     * Sums {@code figures} over the nodes in chunks of {@link #SUM_VALUES}, on the node's worker threads (idle
     * once the task returned): worker 0 contributes the node's figures, the others zeros.
     */
    static double[] totalOverCluster(final ParameterServer ps, final int sumKey, final double[] figures)
    {
        final double[] totals = new double[figures.length];
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < ps.threads(); w++)
        {
            final Worker worker = ps.worker(w);
            final Thread thread = new Thread(() ->
            {
                try
                {
                    for (int from = 0; from < figures.length; from += SUM_VALUES)
                    {
                        final double[] chunk = new double[Math.min(SUM_VALUES, figures.length - from)];
                        if (worker.index() == 0)
                        {
                            System.arraycopy(figures, from, chunk, 0, chunk.length);
                        }
                        final double[] sum = ClusterSums.sum(worker, sumKey, chunk);
                        if (worker.index() == 0)
                        {
                            System.arraycopy(sum, 0, totals, from, sum.length);
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "nups-summary-r" + ps.rank() + "-w" + w);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while totalling the run summary", ex);
            }
        }
        if (failure.get() != null)
        {
            throw new IllegalStateException("cannot total the run summary over the cluster: " + failure.get().getMessage(),
                failure.get());
        }
        return totals;
    }

    private static Map<String, Object> summary(final TrainingTask task, final ParameterServer ps,
        final TaskSettings settings, final Map<String, Object> description, final TaskResult result,
        final double[] totals, final int resumedEpochs)
    {
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("task", task.name());
        summary.putAll(description);
        summary.put("nodes", ps.nodes());
        summary.put("threads", settings.threads());
        summary.put("seed", settings.seed());
        if (resumedEpochs >= 0)
        {
            summary.put("resumed_after_epochs", resumedEpochs);
        }
        final List<Object> epochs = new ArrayList<>();
        double seconds = 0;
        double updates = 0;
        for (int i = 0; i < result.epochs().size(); i++)
        {
            final EpochStats stats = result.epochs().get(i);
            final double epochUpdates = totals[NODE_FIGURES + 2 * i];
            final double epochSeconds = totals[NODE_FIGURES + 2 * i + 1] / ps.nodes();
            final Map<String, Object> epoch = new LinkedHashMap<>();
            epoch.put("epoch", stats.epoch());
            epoch.put("seconds", epochSeconds);
            epoch.put("updates", (long)epochUpdates);
            epoch.put("updates_per_sec", epochSeconds > 0 ? epochUpdates / epochSeconds : 0.0);
            epoch.put("loss", stats.loss());
            epoch.putAll(stats.metrics());
            epochs.add(epoch);
            seconds += epochSeconds;
            updates += epochUpdates;
        }
        summary.put("epochs", epochs);
        summary.put("train_seconds", seconds);
        summary.put("updates_per_sec", seconds > 0 ? updates / seconds : 0.0);
        summary.put("quality", new LinkedHashMap<>(result.quality()));
        summary.put("access", access(task, ps, totals));
        return summary;
    }

    private static Map<String, Object> access(final TrainingTask task, final ParameterServer ps, final double[] totals)
    {
        final double keys = totals[LOCAL_KEYS] + totals[REMOTE_KEYS];
        final Map<String, Object> access = new LinkedHashMap<>();
        access.put("keys_accessed", (long)keys);
        access.put("share_local", keys > 0 ? totals[LOCAL_KEYS] / keys : 0.0);
        access.put("share_remote", keys > 0 ? totals[REMOTE_KEYS] / keys : 0.0);
        access.put("replicated_keys", ps.replicatedKeys().size());
        final long[] frequencies = task.keyFrequencies();
        if (frequencies != null && ps.replicatedKeys().size() > 0)
        {
            access.put("replicated_share_of_data_accesses", ps.replicatedKeys().coverage(frequencies));
        }
        access.put("keys_localized", (long)totals[LOCALIZED_KEYS]);
        access.put("sync_rounds", (long)totals[SYNC_ROUNDS] / ps.nodes());
        return access;
    }
}
