package io.nups.cluster;

/**
 * Cluster start-up failed: a configuration that cannot be read (the message names the file and line, or
 * the environment variable and its value) or a rendezvous that did not complete (the message names the
 * unreachable coordinator or the missing or conflicting ranks).
 */
public final class ClusterException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ClusterException(final String message)
    {
        super(message);
    }

    public ClusterException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
