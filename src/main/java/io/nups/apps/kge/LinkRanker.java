package io.nups.apps.kge;

/**
 * Ranks the true tail of (s, r, ?) and the true head of (?, r, o) among all entities (reference §5.1): the rank is
 * 1 + the number of other entities scoring strictly higher or NaN, so ties count in the truth's favour; the
 * filtered rank leaves out other entities that form known true triples. Scores come from one query vector per
 * ranking dotted with every entity embedding of a dense matrix. Not thread-safe (one per worker).
 */
final class LinkRanker
{
    private final KgeModel model;
    private final float[] entities;
    private final int entityCount;
    private final float[] relations;
    private final KnownTriples known;
    private final int dim;
    private final float[] query;

    /**
     * @param entities  entity embeddings, row-major {@code entityCount × model.entityLength()}
     * @param relations relation embeddings, row-major {@code relations × model.relationLength()}
     */
    LinkRanker(final KgeModel model, final float[] entities, final int entityCount, final float[] relations,
        final KnownTriples known)
    {
        this.model = model;
        this.entities = entities;
        this.entityCount = entityCount;
        this.relations = relations;
        this.known = known;
        this.dim = model.entityLength();
        this.query = new float[dim];
    }

    /** Ranks the tail and then the head of (s, r, o), adding both rankings to {@code sums}. */
    void rank(final int s, final int r, final int o, final RankSums sums)
    {
        final int relationOffset = r * model.relationLength();
        model.tailQuery(entities, s * dim, relations, relationOffset, query);
        rankAgainstAll(o, known.tails(s, r), sums);
        model.headQuery(relations, relationOffset, entities, o * dim, query);
        rankAgainstAll(s, known.heads(r, o), sums);
    }

    private void rankAgainstAll(final int truth, final int[] knownTrue, final RankSums sums)
    {
        final float truthScore = dot(truth);
        int higher = 0;
        for (int e = 0; e < entityCount; e++)
        {
            if (!(dot(e) <= truthScore))
            {
                higher++;
            }
        }
        if (!(truthScore <= truthScore))
        {
            higher--; // a NaN truth counted itself
        }
        int knownHigher = 0;
        for (final int e : knownTrue)
        {
            if (e != truth && !(dot(e) <= truthScore))
            {
                knownHigher++;
            }
        }
        final int raw = 1 + higher;
        sums.add(raw - knownHigher, raw);
    }

    /** query · entity e, with four partial sums so the loop is not bound by one addition chain. */
    private float dot(final int entity)
    {
        final float[] q = query;
        final float[] m = entities;
        final int base = entity * dim;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < dim; i += 4)
        {
            s0 += q[i] * m[base + i];
            s1 += q[i + 1] * m[base + i + 1];
            s2 += q[i + 2] * m[base + i + 2];
            s3 += q[i + 3] * m[base + i + 3];
        }
        for (; i < dim; i++)
        {
            s0 += q[i] * m[base + i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
