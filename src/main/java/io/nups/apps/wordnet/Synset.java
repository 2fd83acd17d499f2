package io.nups.apps.wordnet;

import java.util.List;

/**
 * One synset line of a WordNet {@code data.*} file.
 *
 * @param offset   byte offset of the line in its data file; with {@link #filePos()} it identifies the synset
 * @param pos      synset type: {@code n}, {@code v}, {@code a}, {@code s} (adjective satellite) or {@code r}
 * @param lemmas   the words in file order, as written (multi-word lemmas joined by {@code _}), adjective
 *                 markers such as {@code (p)} removed
 * @param pointers the pointers in file order
 * @param gloss    definition and examples, as written after {@code |}
 */
public record Synset(int offset, char pos, List<String> lemmas, List<Pointer> pointers, String gloss)
{
    public Synset
    {
        lemmas = List.copyOf(lemmas);
        pointers = List.copyOf(pointers);
    }

    /** The data file holding this synset: satellites live in {@code data.adj} with the head adjectives. */
    public char filePos()
    {
        return filePos(pos);
    }

    static char filePos(final char pos)
    {
        return pos == 's' ? 'a' : pos;
    }

    /**
     * A key unique over all data files, for a synset or a pointer target, that orders synsets as
     * {@link WordNet#synsets()}: data file (noun, verb, adj, adv), then offset.
     */
    static long fileKey(final char pos, final int offset)
    {
        return ((long)"nvar".indexOf(filePos(pos)) << 32) | offset;
    }
}
