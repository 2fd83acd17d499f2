package io.nups.apps.kge;

/**
 * A set of (head, relation, tail) triples of integer ids, stored by column.
 */
public record Triples(int[] heads, int[] relations, int[] tails)
{
    public Triples
    {
        if (heads.length != relations.length || heads.length != tails.length)
        {
            throw new IllegalArgumentException("triple columns differ in length: heads " + heads.length +
                ", relations " + relations.length + ", tails " + tails.length);
        }
    }

    public int size()
    {
        return heads.length;
    }
}
