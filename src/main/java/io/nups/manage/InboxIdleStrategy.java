package io.nups.manage;

import org.agrona.concurrent.IdleStrategy;

import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * Idle strategy of an agent fed by one inbox: spin briefly, yield a little, then sleep on the inbox's
 * {@link Doorbell} until a producer rings it after queueing (at most {@link #MAX_SLEEP_NANOS} per idle
 * call, so the agent's duty cycle keeps running even if every producer forgot to ring).
 */
final class InboxIdleStrategy implements IdleStrategy
{
    static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SPINS = 100;
    private static final int YIELDS = 10;

    private final Doorbell doorbell;
    private final Queue<?> inbox;
    private int idleCalls;

    InboxIdleStrategy(final Doorbell doorbell, final Queue<?> inbox)
    {
        this.doorbell = doorbell;
        this.inbox = inbox;
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
            doorbell.arm();
            doorbell.park(inbox.isEmpty(), MAX_SLEEP_NANOS);
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
        return "inbox";
    }
}
