package io.nups.apps.wordnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Synonym pairs: single-word lemmas that share a synset. */
final class Synonyms
{
    private Synonyms()
    {
    }

    /** Writes {@code pairs} as {@code first<TAB>second} lines. */
    static void write(final List<WordPair> pairs, final Path file)
    {
        final StringBuilder text = new StringBuilder(pairs.size() * 20);
        for (final WordPair pair : pairs)
        {
            text.append(pair.first()).append('\t').append(pair.second()).append('\n');
        }
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex, ex);
        }
    }

    /** Reads pairs that {@link #write} wrote. */
    static List<WordPair> read(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
        final List<WordPair> pairs = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++)
        {
            final String[] words = lines.get(i).split("\t", -1);
            if (words.length != 2 || words[0].compareTo(words[1]) >= 0)
            {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected \"first<TAB>second\" with " +
                    "first < second, found \"" + lines.get(i) + "\"");
            }
            pairs.add(new WordPair(words[0], words[1]));
        }
        return List.copyOf(pairs);
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
