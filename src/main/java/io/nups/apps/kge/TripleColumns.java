package io.nups.apps.kge;

import java.util.Arrays;

/** Growable head, relation and tail columns that become a {@link Triples}; no boxing. */
final class TripleColumns
{
    private int[] heads = new int[1024];
    private int[] relations = new int[1024];
    private int[] tails = new int[1024];
    private int size;

    void add(final int head, final int relation, final int tail)
    {
        if (size == heads.length)
        {
            final int capacity = Math.max(heads.length * 2, 1024);
            heads = Arrays.copyOf(heads, capacity);
            relations = Arrays.copyOf(relations, capacity);
            tails = Arrays.copyOf(tails, capacity);
        }
        heads[size] = head;
        relations[size] = relation;
        tails[size] = tail;
        size++;
    }

    int size()
    {
        return size;
    }

    Triples toTriples()
    {
        return new Triples(Arrays.copyOf(heads, size), Arrays.copyOf(relations, size), Arrays.copyOf(tails, size));
    }
}
