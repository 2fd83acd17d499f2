package io.nups.apps.task;

import java.util.Map;

/**
 * What one node measured in one epoch.
 *
 * @param epoch   1-based epoch number
 * @param seconds wall time of the epoch's training on this node (evaluation excluded)
 * @param updates training examples processed by this node (triples, word pairs, matrix cells)
 * @param loss    mean training loss per example on this node (NaN when the task has none)
 * @param metrics quality measured after the epoch, by name (e.g. {@code rmse_test}, {@code mrr}); empty when
 *                the epoch was not evaluated; insertion order kept
 */
public record EpochStats(int epoch, double seconds, long updates, double loss, Map<String, Double> metrics)
{
    public EpochStats
    {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    public double updatesPerSecond()
    {
        return seconds > 0 ? updates / seconds : 0;
    }
}
