package io.nups.apps.wordnet;

/** Two distinct words, {@code first} before {@code second} in {@link String#compareTo} order. */
public record WordPair(String first, String second)
{
    public WordPair
    {
        if (first.compareTo(second) >= 0)
        {
            throw new IllegalArgumentException(
                "a word pair needs two distinct words in order, got \"" + first + "\", \"" + second + "\"");
        }
    }

    /** The pair of {@code a} and {@code b} in either order. */
    public static WordPair of(final String a, final String b)
    {
        return a.compareTo(b) < 0 ? new WordPair(a, b) : new WordPair(b, a);
    }
}
