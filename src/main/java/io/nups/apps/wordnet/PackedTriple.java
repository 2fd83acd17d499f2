package io.nups.apps.wordnet;

/**
 * A (head synset, relation, tail synset) triple in one long, 27 bits per synset and 10 for the relation:
 * sorting packed triples sorts by head, relation, tail, and duplicates become neighbours.
 */
final class PackedTriple
{
    private static final int SYNSET_BITS = 27;
    private static final int RELATION_BITS = 10;
    private static final long SYNSET_MASK = (1L << SYNSET_BITS) - 1;
    private static final long RELATION_MASK = (1L << RELATION_BITS) - 1;

    private PackedTriple()
    {
    }

    static long of(final int head, final int relation, final int tail)
    {
        if (head > SYNSET_MASK || tail > SYNSET_MASK || relation > RELATION_MASK)
        {
            throw new IllegalArgumentException("triple (" + head + ", " + relation + ", " + tail + ") does not fit " +
                SYNSET_BITS + "-bit synsets and " + RELATION_BITS + "-bit relations");
        }
        return ((long)head << (SYNSET_BITS + RELATION_BITS)) | ((long)relation << SYNSET_BITS) | tail;
    }

    static int head(final long triple)
    {
        return (int)(triple >>> (SYNSET_BITS + RELATION_BITS));
    }

    static int relation(final long triple)
    {
        return (int)((triple >>> SYNSET_BITS) & RELATION_MASK);
    }

    static int tail(final long triple)
    {
        return (int)(triple & SYNSET_MASK);
    }
}
