package io.nups.apps.kge;

import io.nups.api.Nups;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.TaskRunner;

/**
 * The key space of KGE training (reference §5.1): entity e is key e, relation r is key {@code entities + r}, and
 * one last key holds the cluster-wide sums of losses and metrics. Every model key's value is
 * {@code [embedding | AdaGrad accumulators]}, twice the embedding's length.
 */
final class KgeKeys
{
    /** Values summed cluster-wide at once: a {@link RankSums} here, the run summary's chunks in the runner. */
    static final int SUM_VALUES = Math.max(RankSums.VALUES, TaskRunner.SUM_VALUES);

    final int entities;
    final int relations;
    final int entityLength;
    final int relationLength;

    KgeKeys(final int entities, final int relations, final KgeModel model)
    {
        if ((long)entities + relations + 1 > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(entities + " entities and " + relations + " relations exceed the " +
                "key space of " + Integer.MAX_VALUE + " keys");
        }
        if (2L * model.relationLength() > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("a " + model.name() + " relation of " + model.relationLength() +
                " floats is too long for one key; lower dim");
        }
        this.entities = entities;
        this.relations = relations;
        this.entityLength = model.entityLength();
        this.relationLength = model.relationLength();
    }

    int relationKey(final int relation)
    {
        return entities + relation;
    }

    int sumKey()
    {
        return entities + relations;
    }

    int numKeys()
    {
        return entities + relations + 1;
    }

    /** Declares the key space on {@code builder}. */
    void declare(final Nups.Builder builder)
    {
        builder.keys(numKeys());
        if (entities > 0)
        {
            builder.valueLength(0, entities, 2 * entityLength);
        }
        if (relations > 0)
        {
            builder.valueLength(entities, entities + relations, 2 * relationLength);
        }
        builder.valueLength(sumKey(), numKeys(), ClusterSums.length(SUM_VALUES));
    }
}
