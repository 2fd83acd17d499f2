package io.nups.transport;

import java.util.concurrent.TimeUnit;

/**
 * Idle strategy of the shm receiver: spin briefly, yield a little (a reply often comes within
 * microseconds), then sleep on the node's {@link ShmBell} until a peer rings, at most {@code maxSleepMillis}
 * per idle call so heartbeats and liveness checks keep their period.
 */
final class ShmIdleStrategy extends SpinYieldSleepIdleStrategy
{
    /** Bound of one sleep: a tenth of the receiver's heartbeat period, the most a stop or heartbeat waits. */
    static final long MAX_SLEEP_MILLIS = TimeUnit.NANOSECONDS.toMillis(ShmReceiverAgent.HEARTBEAT_NANOS) / 10;

    private final ShmBell bell;
    private final long maxSleepMillis;

    ShmIdleStrategy(final ShmBell bell, final long maxSleepMillis)
    {
        this.bell = bell;
        this.maxSleepMillis = maxSleepMillis;
    }

    @Override
    protected void sleep()
    {
        bell.sleep(maxSleepMillis);
    }

    @Override
    public String alias()
    {
        return "shm-bell";
    }
}
