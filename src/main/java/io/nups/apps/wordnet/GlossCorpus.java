package io.nups.apps.wordnet;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The WordNet glosses (definitions and examples) as plain text: one synset per line, lower-case words
 * (maximal runs of letters and digits) separated by single spaces. Synsets whose line would be empty are left
 * out.
 */
public final class GlossCorpus
{
    private final String text;
    private final int lines;
    private final long words;

    private GlossCorpus(final String text, final int lines, final long words)
    {
        this.text = text;
        this.lines = lines;
        this.words = words;
    }

    static GlossCorpus of(final List<Synset> synsets, final boolean withLemmas)
    {
        final StringBuilder text = new StringBuilder(synsets.size() * 80); // WordNet averages ~75 chars a line
        int lines = 0;
        long words = 0;
        for (final Synset synset : synsets)
        {
            final int start = text.length();
            if (withLemmas)
            {
                for (final String lemma : synset.lemmas())
                {
                    final String word = Tokenizer.asSingleWord(lemma);
                    if (word != null)
                    {
                        words += append(text, start, word);
                    }
                }
            }
            for (final String word : Tokenizer.words(synset.gloss()))
            {
                words += append(text, start, word);
            }
            if (text.length() > start)
            {
                text.append('\n');
                lines++;
            }
        }
        return new GlossCorpus(text.toString(), lines, words);
    }

    /** Reads a corpus that {@link #write} wrote. */
    static GlossCorpus read(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the WordNet corpus " + file + ": " + ex, ex);
        }
        int lines = 0;
        long words = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\n')
            {
                lines++;
                words++;
            }
            else if (c == ' ')
            {
                words++;
            }
        }
        return new GlossCorpus(text, lines, words);
    }

    /** Number of lines. */
    public int lines()
    {
        return lines;
    }

    /** Number of words (tokens) over all lines. */
    public long words()
    {
        return words;
    }

    /** The text, each line ending in {@code \n}. */
    public Reader reader()
    {
        return new StringReader(text);
    }

    /** Writes the text to {@code file} in UTF-8. */
    public void write(final Path file)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the WordNet corpus to " + file + ": " + ex, ex);
        }
    }

    private static int append(final StringBuilder text, final int lineStart, final String word)
    {
        if (text.length() > lineStart)
        {
            text.append(' ');
        }
        text.append(word);
        return 1;
    }
}
