package io.nups.apps.kge;

/**
 * Ranks the true tail of (s, r, ?) and the true head of (?, r, o) among all entities (reference §5.1): the rank is
 * 1 + the number of other entities scoring strictly higher or NaN, so ties count in the truth's favour; the
 * filtered rank leaves out other entities that form known true triples. Scores come from one query vector per
 * ranking dotted with every entity embedding of a dense matrix. Rankings are scored {@value #BATCH} at a time in
 * one pass over the entity matrix, so each embedding is read from memory once per batch rather than once per
 * ranking, and the queries are kept transposed, so that the inner loop adds one embedding element times all
 * queries' elements into all scores: a loop without a reduction, which the JIT vectorizes. Every score, the
 * truth's included, is summed in the same order, so a truth never outranks itself by rounding. Not thread-safe
 * (one per worker).
 */
final class LinkRanker
{
    /** Rankings scored per pass over the entity matrix; their queries stay in the L1 cache at dim 100. */
    static final int BATCH = 32;

    private final KgeModel model;
    private final float[] entities;
    private final int entityCount;
    private final float[] relations;
    private final KnownTriples known;
    private final int dim;
    private final float[] query;
    /** The pending queries transposed: element i of query q at {@code i * BATCH + q}. */
    private final float[] queries;
    private final float[] scores = new float[BATCH];
    private final float[] truthScores = new float[BATCH];
    private final int[] truths = new int[BATCH];
    private final int[][] knownTrue = new int[BATCH][];
    private final int[] higher = new int[BATCH];
    private int pending;

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
        this.queries = new float[BATCH * dim];
    }

    /** Ranks the tail and then the head of (s, r, o), adding both rankings to {@code sums}. */
    void rank(final int s, final int r, final int o, final RankSums sums)
    {
        add(s, r, o, sums);
        flush(sums);
    }

    /** Ranks tail and head of the triples {@code [from, to)} of {@code split}, adding the rankings to {@code sums}. */
    void rank(final Triples split, final int from, final int to, final RankSums sums)
    {
        for (int i = from; i < to; i++)
        {
            add(split.heads()[i], split.relations()[i], split.tails()[i], sums);
        }
        flush(sums);
    }

    private void add(final int s, final int r, final int o, final RankSums sums)
    {
        final int relationOffset = r * model.relationLength();
        model.tailQuery(entities, s * dim, relations, relationOffset, query);
        queue(o, known.tails(s, r), sums);
        model.headQuery(relations, relationOffset, entities, o * dim, query);
        queue(s, known.heads(r, o), sums);
    }

    private void queue(final int truth, final int[] knownTrueOfQuery, final RankSums sums)
    {
        for (int i = 0; i < dim; i++)
        {
            queries[i * BATCH + pending] = query[i];
        }
        truths[pending] = truth;
        knownTrue[pending] = knownTrueOfQuery;
        pending++;
        if (pending == BATCH)
        {
            flush(sums);
        }
    }

    /** Scores the pending rankings against every entity in one pass and adds them to {@code sums} in order. */
    private void flush(final RankSums sums)
    {
        final int n = pending;
        for (int q = 0; q < n; q++)
        {
            truthScores[q] = score(q, truths[q] * dim);
            higher[q] = 0;
        }
        final float[] m = entities;
        final float[] t = queries;
        final float[] sc = scores;
        for (int e = 0; e < entityCount; e++)
        {
            final int base = e * dim;
            java.util.Arrays.fill(sc, 0f);
            for (int i = 0; i < dim; i++)
            {
                final float v = m[base + i];
                final int row = i * BATCH;
                for (int q = 0; q < BATCH; q++)
                {
                    sc[q] += t[row + q] * v;
                }
            }
            for (int q = 0; q < n; q++)
            {
                if (!(sc[q] <= truthScores[q]))
                {
                    higher[q]++;
                }
            }
        }
        for (int q = 0; q < n; q++)
        {
            final float truthScore = truthScores[q];
            int raw = 1 + higher[q];
            if (!(truthScore <= truthScore))
            {
                raw--; // a NaN truth counted itself
            }
            int knownHigher = 0;
            for (final int e : knownTrue[q])
            {
                if (e != truths[q] && !(score(q, e * dim) <= truthScore))
                {
                    knownHigher++;
                }
            }
            sums.add(raw - knownHigher, raw);
            knownTrue[q] = null;
        }
        pending = 0;
    }

    /** Score of pending query {@code q} against the entity at {@code entityBase}, summed in the pass's order. */
    private float score(final int q, final int entityBase)
    {
        float sum = 0;
        for (int i = 0; i < dim; i++)
        {
            sum += queries[i * BATCH + q] * entities[entityBase + i];
        }
        return sum;
    }
}
