package io.nups.apps.mf;

import java.util.List;

/**
 * Outcome of a factorization: the initial model's and every epoch's figures, and the parameter server's
 * own reports, taken before it closed.
 *
 * @param epochs         {@link EpochResult}s in order, the initial model (epoch 0) first
 * @param latencySummary the parameter server's latency table
 * @param memoryReport   the parameter server's memory use
 */
public record MfResult(List<EpochResult> epochs, String latencySummary, String memoryReport)
{
    public MfResult
    {
        if (epochs.isEmpty())
        {
            throw new IllegalArgumentException("a result needs at least the initial model's figures");
        }
        epochs = List.copyOf(epochs);
    }

    public EpochResult initial()
    {
        return epochs.get(0);
    }

    public EpochResult last()
    {
        return epochs.get(epochs.size() - 1);
    }

    public long totalUpdates()
    {
        return epochs.stream().mapToLong(EpochResult::updates).sum();
    }

    /** Wall time of all SGD passes, evaluation excluded. */
    public double trainSeconds()
    {
        return epochs.stream().mapToDouble(EpochResult::seconds).sum();
    }

    public double updatesPerSecond()
    {
        final double seconds = trainSeconds();
        return seconds > 0 ? totalUpdates() / seconds : 0;
    }
}
