package io.nups.transport;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Idle strategy of the shm receiver: spin briefly, yield a little (a reply often comes within
 * microseconds), then sleep on the node's {@link ShmBell} until a peer rings, at most {@code maxSleepMillis}
 * per idle call so heartbeats and liveness checks keep their period.
 */
final class ShmIdleStrategy implements IdleStrategy
{
    /** Bound of one sleep: a tenth of the receiver's heartbeat period, the most a stop or heartbeat waits. */
    static final long MAX_SLEEP_MILLIS = TimeUnit.NANOSECONDS.toMillis(ShmReceiverAgent.HEARTBEAT_NANOS) / 10;
    private static final int SPINS = 100;
    private static final int YIELDS = 10;

    private final ShmBell bell;
    private final long maxSleepMillis;
    private int idleCalls;

    ShmIdleStrategy(final ShmBell bell, final long maxSleepMillis)
    {
        this.bell = bell;
        this.maxSleepMillis = maxSleepMillis;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            idleCalls = 0;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        final int calls = ++idleCalls;
        if (calls <= SPINS)
        {
            Thread.onSpinWait();
        }
        else if (calls <= SPINS + YIELDS)
        {
            Thread.yield();
        }
        else
        {
            bell.sleep(maxSleepMillis);
        }
    }

    @Override
    public void reset()
    {
        idleCalls = 0;
    }

    @Override
    public String alias()
    {
        return "shm-bell";
    }
}
