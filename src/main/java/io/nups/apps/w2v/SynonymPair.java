package io.nups.apps.w2v;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * Reads pairs from a UTF-8 file of lines {@code word1 word2} (white space between; blank lines and lines
     * starting with {@code #} skipped).
     *
     * @throws CorpusException naming file and line for a line that is not two words, or an unreadable file
     */
    public static List<SynonymPair> read(final Path file)
    {
        final List<SynonymPair> pairs = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine())
            {
                lineNumber++;
                final String text = line.strip();
                if (text.isEmpty() || text.startsWith("#"))
                {
                    continue;
                }
                final String[] words = text.split("\\s+");
                if (words.length != 2)
                {
                    throw new CorpusException(file + ":" + lineNumber + ": expected two words (a synonym pair), got " +
                        words.length + ": '" + text + "'");
                }
                pairs.add(new SynonymPair(words[0], words[1]));
            }
        }
        catch (final IOException ex)
        {
            throw new CorpusException(file + ": cannot read the synonym pairs (" + ex + ")", ex);
        }
        return pairs;
    }
}
