package io.nups.apps.kge;

import io.nups.api.Nups;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.TaskRunner;

/**
 * The key space of KGE training (reference §5.1): the entities and relations where {@link KgeKeyLayout} puts them
 * (entity e is key e, relation r is key {@code entities + r}), and one last key holds the cluster-wide sums of losses and metrics. Every model key's value is
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
    private final KgeKeyLayout layout;

    KgeKeys(final KgeKeyLayout layout, final KgeModel model)
    {
        if ((long)layout.size() + 1 > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(layout.entities() + " entities and " + layout.relations() +
                " relations leave no key for the cluster-wide sums in a key space of " + Integer.MAX_VALUE + " keys");
        }
        if (2L * model.relationLength() > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("a " + model.name() + " relation of " + model.relationLength() +
                " floats is too long for one key; lower dim");
        }
        this.layout = layout;
        this.entities = layout.entities();
        this.relations = layout.relations();
        this.entityLength = model.entityLength();
        this.relationLength = model.relationLength();
    }

    KgeKeyLayout layout()
    {
        return layout;
    }

    int relationKey(final int relation)
    {
        return entities + relation; // KgeKeyLayout's layout, without its range check on the hot path
    }

    int sumKey()
    {
        return layout.size();
    }

    int numKeys()
    {
        return layout.size() + 1;
    }

    /** Declares the key space on {@code builder}. */
    void declare(final Nups.Builder builder)
    {
        builder.keys(numKeys());
        builder.valueLength(0, entities, 2 * entityLength);
        builder.valueLength(entities, entities + relations, 2 * relationLength);
        builder.valueLength(sumKey(), numKeys(), ClusterSums.length(SUM_VALUES));
    }
}
