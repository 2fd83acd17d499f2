package io.nups.transport;

import org.agrona.concurrent.Agent;

/**
 * Duty cycle of the shared-memory receiver: drain the inbound ring; every 100 ms, heartbeats (its idle
 * strategy, {@link ShmIdleStrategy}, sleeps a tenth of that at most, so the period holds).
 */
final class ShmReceiverAgent implements Agent
{
    static final long HEARTBEAT_NANOS = 100_000_000L;

    private final ShmTransport transport;
    private long nextHeartbeat;

    ShmReceiverAgent(final ShmTransport transport)
    {
        this.transport = transport;
    }

    @Override
    public int doWork()
    {
        if (transport.isClosed())
        {
            return 0;
        }
        int work = transport.poll();
        final long now = System.nanoTime();
        if (now - nextHeartbeat >= 0)
        {
            nextHeartbeat = now + HEARTBEAT_NANOS;
            transport.heartbeat();
            work++;
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "nups-shm-rx-r" + transport.rank();
    }
}
