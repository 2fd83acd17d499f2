package io.nups.apps.task;

import io.nups.sample.SamplingOptions;

/**
 * The knobs every task shares, taken from the common {@code nups train} flags.
 *
 * @param epochs         training epochs
 * @param threads        worker threads per node
 * @param seed           base seed; a task derives every random stream from it (and the rank, and the worker)
 * @param sampling       scheme and knobs for tasks that sample (its distribution is null: the task supplies it
 *                       in {@link TrainingTask#configure}); {@link SamplingOptions#none()} when not given
 * @param localizeAhead  relocate the keys a worker will use next ahead of use (KGE lookahead localization,
 *                       w2v prelocalization, MF's local-column schedule); false in the classic and single modes
 * @param latencyEvery   record the latency of every n-th operation (1 = all)
 */
public record TaskSettings(int epochs, int threads, long seed, SamplingOptions sampling, boolean localizeAhead,
    int latencyEvery)
{
    public TaskSettings
    {
        if (epochs < 0)
        {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (threads < 1)
        {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (sampling == null)
        {
            throw new IllegalArgumentException("sampling options are null; use SamplingOptions.none()");
        }
    }
}
