package io.nups.apps.w2v;

/** A corpus that cannot be used: unreadable, not UTF-8 text, or without words; the message names file and line. */
public final class CorpusException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    public CorpusException(final String message)
    {
        super(message);
    }

    public CorpusException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
