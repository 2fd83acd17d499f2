package io.nups.store;

/** No free slot is left for a key's value length; the message names the capacity and how to raise it. */
public final class StoreFullException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    public StoreFullException(final String message)
    {
        super(message);
    }
}
