package io.nups.apps.wordnet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Synonym pairs: single-word lemmas that share a synset. */
final class Synonyms
{
    private Synonyms()
    {
    }

    static List<WordPair> pairs(final List<Synset> synsets)
    {
        final TreeSet<WordPair> pairs = new TreeSet<>(
            (a, b) -> a.first().equals(b.first()) ? a.second().compareTo(b.second()) : a.first().compareTo(b.first()));
        final List<String> words = new ArrayList<>();
        for (final Synset synset : synsets)
        {
            words.clear();
            for (final String lemma : synset.lemmas())
            {
                final String word = Tokenizer.asSingleWord(lemma);
                if (word != null && !words.contains(word))
                {
                    words.add(word);
                }
            }
            for (int i = 0; i < words.size(); i++)
            {
                for (int j = i + 1; j < words.size(); j++)
                {
                    pairs.add(WordPair.of(words.get(i), words.get(j)));
                }
            }
        }
        return List.copyOf(pairs);
    }
}
