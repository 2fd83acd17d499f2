package io.nups.apps.wordnet;

/**
 * One pointer of a WordNet synset line ({@code pointer_symbol synset_offset pos source/target}).
 *
 * @param symbol       the pointer symbol, e.g. {@code @} (hypernym) or {@code %p} (part meronym)
 * @param targetOffset byte offset of the target synset in the data file of {@code targetPos}
 * @param targetPos    part of speech of the target: {@code n}, {@code v}, {@code a}, {@code s} or {@code r}
 * @param source       1-based word number in this synset, or 0 for a semantic pointer (whole synset)
 * @param target       1-based word number in the target synset, or 0 for a semantic pointer
 */
public record Pointer(String symbol, int targetOffset, char targetPos, int source, int target)
{
    /** A lexical pointer relates two words; a semantic pointer (source/target {@code 0000}) two synsets. */
    public boolean lexical()
    {
        return source != 0 || target != 0;
    }
}
