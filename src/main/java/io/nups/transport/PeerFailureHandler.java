package io.nups.transport;

/**
 * Told once per peer that is lost (closed connection, killed process) without saying goodbye, and once per peer
 * that leaves on purpose (said goodbye, then closed). Whether a departure is a loss is for the caller to judge:
 * a peer leaving while this node still works is one.
 */
@FunctionalInterface
public interface PeerFailureHandler
{
    void onPeerLost(int peer, String reason);

    /** The peer closed its transport on purpose; {@code who} names it. */
    default void onPeerLeft(final int peer, final String who)
    {
    }
}
