package io.nups.apps.task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's outcome on one node.
 *
 * @param epochs  per-epoch figures in order
 * @param quality final quality metrics by name, in report order (kge: {@code mrr}, {@code hits@1},
 *                {@code hits@3}, {@code hits@10}, and raw ones prefixed {@code raw_}; mf: {@code rmse_train},
 *                {@code rmse_test}; w2v: its quality score); computed cluster-wide, the same on every node
 */
public record TaskResult(List<EpochStats> epochs, Map<String, Double> quality)
{
    public TaskResult
    {
        epochs = List.copyOf(epochs);
        quality = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(quality));
    }
}
