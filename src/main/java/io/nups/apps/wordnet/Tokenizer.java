package io.nups.apps.wordnet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits text into lower-case words: maximal runs of letters and digits; everything else separates. */
final class Tokenizer
{
    private Tokenizer()
    {
    }

    static List<String> words(final String text)
    {
        final List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++)
        {
            final boolean inWord = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                start = -1;
            }
        }
        return words;
    }

    /** The lemma as one corpus word, or null if the tokenizer would split it ({@code hot_dog}, {@code x-ray}). */
    static String asSingleWord(final String lemma)
    {
        final List<String> words = words(lemma);
        return words.size() == 1 && words.get(0).length() == lemma.length() ? words.get(0) : null;
    }
}
