package io.nups.apps.w2v;

/** Two words that mean the same (e.g. from one WordNet synset), for {@link W2vQuality}'s synonym score. */
public record SynonymPair(String first, String second)
{
    public SynonymPair
    {
        if (first == null || second == null)
        {
            throw new IllegalArgumentException("synonym pair has a null word: " + first + ", " + second);
        }
    }
}
