package io.nups.manage;

import io.nups.transport.SpinYieldSleepIdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Idle strategy of an agent that producers wake through a {@link Doorbell}: spin briefly, yield a little, then
 * sleep on the bell until a producer rings it after handing over work (the server's inbox, the sampling pool's
 * takers), at most a bounded time per idle call, so the agent's duty cycle keeps running even if every producer
 * forgot to ring.
 */
public final class DoorbellIdleStrategy extends SpinYieldSleepIdleStrategy
{
    static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Doorbell doorbell;
    private final BooleanSupplier noWork;
    private final LongSupplier maxSleepNanos;

    /** Sleeps at most {@link #MAX_SLEEP_NANOS} per idle call. */
    DoorbellIdleStrategy(final Doorbell doorbell, final BooleanSupplier noWork)
    {
        this(doorbell, noWork, () -> MAX_SLEEP_NANOS);
    }

    /**
     * @param noWork        checked again after the agent announced its sleep: true if it may sleep
     * @param maxSleepNanos the bound of the next sleep, asked before each
     */
    public DoorbellIdleStrategy(final Doorbell doorbell, final BooleanSupplier noWork,
        final LongSupplier maxSleepNanos)
    {
        this.doorbell = doorbell;
        this.noWork = noWork;
        this.maxSleepNanos = maxSleepNanos;
    }

    @Override
    protected void sleep()
    {
        doorbell.arm();
        doorbell.park(noWork.getAsBoolean(), maxSleepNanos.getAsLong());
    }

    @Override
    public String alias()
    {
        return "doorbell";
    }
}
