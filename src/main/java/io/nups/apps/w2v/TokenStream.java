package io.nups.apps.w2v;

/**
 * Sentences of word ids in one array: sentence s holds {@code tokens[starts[s] .. starts[s + 1])}. Immutable
 * after construction (the arrays are owned, not copied).
 */
public final class TokenStream
{
    private final int[] tokens;
    private final int[] starts;

    TokenStream(final int[] tokens, final int[] starts)
    {
        this.tokens = tokens;
        this.starts = starts;
    }

    public int sentences()
    {
        return starts.length - 1;
    }

    /** Number of tokens of all sentences. */
    public int size()
    {
        return tokens.length;
    }

    public int start(final int sentence)
    {
        return starts[sentence];
    }

    public int end(final int sentence)
    {
        return starts[sentence + 1];
    }

    public int token(final int position)
    {
        return tokens[position];
    }

    /** Tokens in sentences {@code [from, to)}. */
    public long tokensIn(final int fromSentence, final int toSentence)
    {
        return starts[toSentence] - starts[fromSentence];
    }
}
