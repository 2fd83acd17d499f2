package io.nups.manage;

import io.nups.transport.RegionDescriptor;
import io.nups.transport.Transport;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up exchange of registered slabs: every node sends its {@link RegionDescriptor}s to every peer in
 * REGIONS messages, and waits (bounded) until every peer's arrived and was passed to
 * {@link Transport#addRemoteRegions}. A peer's regions may span several messages; each names the total.
 */
final class RegionExchange
{
    private final int rank;
    private final Transport transport;
    private final int fingerprint;
    private final int[] received;
    private final int[] expected;
    private int missingPeers;
    private String failure;

    /** @param fingerprint of the settings every node must share (key space, mode, replicated keys, ...) */
    RegionExchange(final Transport transport, final int fingerprint)
    {
        this.rank = transport.rank();
        this.transport = transport;
        this.fingerprint = fingerprint;
        this.received = new int[transport.nodes()];
        this.expected = new int[transport.nodes()];
        java.util.Arrays.fill(expected, -1);
        this.missingPeers = transport.nodes() - 1;
    }

    /** Server thread: {@code regions} of {@code peer}, which has {@code total} in all and these settings. */
    synchronized void onRegions(final int peer, final int peerFingerprint, final List<RegionDescriptor> regions,
        final int total)
    {
        if (peer < 0 || peer >= received.length || peer == rank)
        {
            throw new IllegalArgumentException("REGIONS message names node " + peer + ", which is not a peer of node " +
                rank);
        }
        if (peerFingerprint != fingerprint)
        {
            throw new IllegalArgumentException("node " + peer + " was started with other settings than node " + rank +
                " (fingerprint " + Integer.toHexString(peerFingerprint) + " vs " + Integer.toHexString(fingerprint) +
                "): every node needs the same key space and value lengths, mode, key permutation, replicated keys " +
                "and replica averaging and clipping");
        }
        if (expected[peer] >= 0 && expected[peer] != total || received[peer] + regions.size() > total)
        {
            throw new IllegalArgumentException("node " + peer + " sent more regions than the " + total + " it announced");
        }
        for (final RegionDescriptor region : regions)
        {
            if (region.node() != peer)
            {
                throw new IllegalArgumentException("node " + peer + " sent a region of node " + region.node());
            }
        }
        transport.addRemoteRegions(regions);
        expected[peer] = total;
        received[peer] += regions.size();
        if (received[peer] == total)
        {
            missingPeers--;
            notifyAll();
        }
    }

    /** Ends every wait with {@code reason}. */
    synchronized void fail(final String reason)
    {
        failure = reason;
        notifyAll();
    }

    /** Waits until every peer's regions arrived; throws naming the silent peers after {@code timeoutNanos}. */
    synchronized void await(final long timeoutNanos)
    {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (missingPeers > 0 && failure == null)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new IllegalStateException("node " + rank + ": no registered regions from " + silentPeers() +
                    " within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s of start");
            }
            try
            {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("node " + rank + ": interrupted waiting for peers' regions", ex);
            }
        }
        if (missingPeers > 0)
        {
            throw new IllegalStateException("node " + rank + ": region exchange failed: " + failure);
        }
    }

    private String silentPeers()
    {
        final StringBuilder peers = new StringBuilder();
        for (int peer = 0; peer < received.length; peer++)
        {
            if (peer != rank && (expected[peer] < 0 || received[peer] < expected[peer]))
            {
                peers.append(peers.length() == 0 ? "node " : ", node ").append(peer);
            }
        }
        return peers.toString();
    }
}
