package io.nups.transport;

import org.agrona.concurrent.IdleStrategy;

/**
 * The idle schedule of an agent that a producer can wake: spin briefly, yield a little (the next piece of work
 * often comes within microseconds), then {@link #sleep()} until woken or a bounded time passes; any work resets the
 * schedule. Subclasses say how they sleep (on an shm bell, on a doorbell).
 */
public abstract class SpinYieldSleepIdleStrategy implements IdleStrategy
{
    private static final int SPINS = 100;
    private static final int YIELDS = 10;

    private int idleCalls;

    /** One bounded sleep, ended early by the producer's wake-up. */
    protected abstract void sleep();

    @Override
    public final void idle(final int workCount)
    {
        if (workCount > 0)
        {
            idleCalls = 0;
            return;
        }
        idle();
    }

    @Override
    public final void idle()
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
            sleep();
        }
    }

    @Override
    public final void reset()
    {
        idleCalls = 0;
    }
}
