package io.nups.transport;

/**
 * Decides whether this node may judge its peers' heartbeats now. A peer is lost when its heartbeat is older than
 * the liveness timeout, but if this node's own checker was itself held up for a large part of that timeout (a
 * stalled JVM, a safepoint, a machine swamped by other work), every peer on the same host was most likely held up
 * with it: their heartbeats look old only because nobody ran. Such a check is skipped once; the next one, a
 * heartbeat period later, judges peers that have had the chance to beat again. A process that is gone is still
 * detected at once by the caller.
 */
final class HeartbeatJudge
{
    private final long stallMillis;
    private long lastCheck;

    /** @param livenessTimeoutMillis the silence after which a peer is lost; half of it counts as a stall here */
    HeartbeatJudge(final long livenessTimeoutMillis, final long nowMillis)
    {
        this.stallMillis = livenessTimeoutMillis / 2;
        this.lastCheck = nowMillis;
    }

    /** Records a check at {@code nowMillis}; false if this checker was stalled since its last check. */
    boolean mayJudge(final long nowMillis)
    {
        final long gap = nowMillis - lastCheck;
        lastCheck = nowMillis;
        return gap <= stallMillis;
    }
}
