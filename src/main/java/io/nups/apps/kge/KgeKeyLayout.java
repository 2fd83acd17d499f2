package io.nups.apps.kge;

/**
 * Where a knowledge graph's parameters live in the parameter server's key space: the one place that defines the
 * KGE key layout. Entity {@code e} is key {@code e} ({@code [0, entities)}), relation {@code r} is key
 * {@code entities + r} ({@code [entities, entities + relations)}), as in NuPS for ComplEx (reference §5.1).
 * Keys from {@link #size()} on are free for the trainer's own use (e.g. loss and metric sums).
 *
 * @param entities  number of entities
 * @param relations number of relations
 */
public record KgeKeyLayout(int entities, int relations)
{
    public KgeKeyLayout
    {
        if (entities < 1 || relations < 1 || (long)entities + relations > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("a KGE key layout needs at least one entity and one relation and at " +
                "most 2^31-1 keys, got " + entities + " entities and " + relations + " relations");
        }
    }

    /** The layout of a data set's entities and relations. */
    public static KgeKeyLayout of(final KgeDataset dataset)
    {
        return new KgeKeyLayout(dataset.entities(), dataset.relations());
    }

    public int entityKey(final int entity)
    {
        if (entity < 0 || entity >= entities)
        {
            throw new IllegalArgumentException("entity " + entity + " is out of range [0, " + entities + ")");
        }
        return entity;
    }

    public int relationKey(final int relation)
    {
        if (relation < 0 || relation >= relations)
        {
            throw new IllegalArgumentException("relation " + relation + " is out of range [0, " + relations + ")");
        }
        return entities + relation;
    }

    /** Number of keys the entities and relations take: {@code entities + relations}. */
    public int size()
    {
        return entities + relations;
    }
}
