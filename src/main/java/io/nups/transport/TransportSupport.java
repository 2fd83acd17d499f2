package io.nups.transport;

/** Checks and waits every transport implementation shares. */
final class TransportSupport
{
    private TransportSupport()
    {
    }

    /** Refuses a message above the limit before anything is sent. */
    static void checkMessageLength(final int peer, final int length, final int maxMessageLength)
    {
        if (length > maxMessageLength)
        {
            throw new TransportException("message of " + length + " bytes to node " + peer + " exceeds the limit of " +
                maxMessageLength + " bytes");
        }
    }

    /** Sleeps between polls; an interrupt ends the wait with {@code interruptedMessage}. */
    static void sleepQuietly(final long millis, final String interruptedMessage)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TransportException(interruptedMessage, ex);
        }
    }
}
