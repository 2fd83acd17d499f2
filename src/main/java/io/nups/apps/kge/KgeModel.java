package io.nups.apps.kge;

/**
 * A bilinear knowledge-graph scoring function (reference §5.1): the score of (s, r, o) is linear in the subject
 * and in the object embedding, so ranking all objects for (s, r) is one dot product per entity with the
 * {@link #tailQuery tail query}, and the gradient with respect to o is that same query (likewise for s).
 *
 * <p>Embeddings are float slices {@code (array, offset)}: an entity has {@link #entityLength()} floats, a relation
 * {@link #relationLength()}.
 */
public interface KgeModel
{
    /** Name used in logs and the export header: {@code complex} or {@code rescal}. */
    String name();

    /** Floats of an entity embedding ({@code dim}). */
    int entityLength();

    /** Floats of a relation embedding ({@code dim} for ComplEx, {@code dim²} for RESCAL). */
    int relationLength();

    /** The score of (s, r, o). */
    double score(float[] s, int sOffset, float[] r, int rOffset, float[] o, int oOffset);

    /** Writes into {@code query[0, entityLength())} the vector q with score(s, r, o) = q · o for every o. */
    void tailQuery(float[] s, int sOffset, float[] r, int rOffset, float[] query);

    /** Writes into {@code query[0, entityLength())} the vector q with score(s, r, o) = s · q for every s. */
    void headQuery(float[] r, int rOffset, float[] o, int oOffset, float[] query);

    /** Writes ∂score/∂r at (s, o) into {@code gradient[0, relationLength())}. */
    void relationGradient(float[] s, int sOffset, float[] o, int oOffset, float[] gradient);
}
