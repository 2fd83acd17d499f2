package io.nups.transport;

/** A transport failure; the message names the peer and the operation. */
public final class TransportException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public TransportException(final String message)
    {
        super(message);
    }

    public TransportException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
