package io.nups.apps.wordnet;

/**
 * Triples (head, relation, tail) as three parallel id arrays. The arrays are shared, not copied: treat them
 * as read-only.
 */
public record Triples(int[] heads, int[] relations, int[] tails)
{
    public Triples
    {
        if (heads.length != relations.length || heads.length != tails.length)
        {
            throw new IllegalArgumentException("triple arrays differ in length: " + heads.length + " heads, " +
                relations.length + " relations, " + tails.length + " tails");
        }
    }

    /** Number of triples. */
    public int size()
    {
        return heads.length;
    }
}
