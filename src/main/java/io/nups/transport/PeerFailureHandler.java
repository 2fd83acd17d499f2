package io.nups.transport;

/** Told once per peer that is lost (closed connection, killed process) without saying goodbye. */
@FunctionalInterface
public interface PeerFailureHandler
{
    void onPeerLost(int peer, String reason);
}
