package io.nups.apps.task;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One training job that {@code nups train} runs on every node of a cluster: it declares its key space (and
 * its sampling distribution, if it samples), then trains on a started parameter server with the node's
 * worker threads, reporting epochs to the {@link TaskRun}. {@link TaskRunner} does the rest (cluster, mode,
 * replication, profile, summary, export, checkpoint).
 */
public interface TrainingTask
{
    /** Short name used in logs and the run summary: {@code kge}, {@code w2v}, {@code mf}. */
    String name();

    /**
     * Declares the key space and, when the task samples, the sampling distribution (keeping the scheme and its
     * knobs of {@link TaskSettings#sampling()}) on the builder. Called once per node before start; must give
     * the same key space on every node.
     */
    void configure(Nups.Builder builder, TaskSettings settings);

    /**
     * The key the task reserved for {@link ClusterSums}: not replicated, holding at least
     * {@code ClusterSums.length(TaskRunner.SUM_VALUES)} floats. The task uses it for its own sums during
     * {@link #train}; {@link TaskRunner} uses it afterwards to total the run summary over the nodes.
     */
    int sumKey();

    /**
     * Access count per key (index = key) used to rank hot keys for {@code --replicate N} and to report the share
     * of accesses replicated; null when the task has no such counts.
     */
    long[] keyFrequencies();

    /**
     * The key of relation {@code relation} of a KGE frequency file's {@code r} lines (its {@code e} lines are
     * key ids); tasks without relations refuse them.
     */
    default int relationKey(final int relation)
    {
        throw new IllegalArgumentException("task " + name() + " has no relations: its frequency files list key ids");
    }

    /**
     * Initializes the model (rank 0 sets it, or each node its part, inside {@link ParameterServer#beginSetup()}
     * / {@link ParameterServer#endSetup()} when keys are replicated), trains for {@link TaskSettings#epochs()}
     * on this node's share of the data with all of the node's workers, and evaluates. Every node calls it at the
     * same time. When {@code resumed} is true the parameter values were restored from a checkpoint: skip
     * initialization.
     */
    TaskResult train(ParameterServer ps, TaskSettings settings, TaskRun run, boolean resumed);

    /** Writes the trained model's export files into {@code directory}; called on rank 0 before the server closes. */
    void export(ParameterServer ps, Path directory) throws IOException;
}
