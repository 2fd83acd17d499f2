package io.nups.manage;

import java.util.concurrent.locks.LockSupport;

/**
 * One step of a bounded busy wait, shared by every waiter in this package: spin a while (answers usually
 * come within microseconds), then park briefly, and give up once the timeout has passed since the first park.
 * Stateless, so a waiter keeps its spin count and deadline in locals and allocates nothing.
 */
final class BoundedIdle
{
    /** {@link #step} result once the wait has lasted longer than its timeout. */
    static final long TIMED_OUT = Long.MIN_VALUE;
    private static final int SPINS_BEFORE_PARK = 2000;

    private BoundedIdle()
    {
    }

    /**
     * Idles once. {@code spins} counts the steps so far (1 for the first); {@code deadline} is what the
     * previous step returned (0 before the first). Returns the deadline to pass next time, or {@link #TIMED_OUT}.
     */
    static long step(final int spins, final long deadline, final long timeoutNanos, final long parkNanos)
    {
        if (spins < SPINS_BEFORE_PARK)
        {
            Thread.onSpinWait();
            return deadline;
        }
        final long now = System.nanoTime();
        if (deadline != 0 && now - deadline > 0)
        {
            return TIMED_OUT;
        }
        LockSupport.parkNanos(parkNanos);
        return deadline == 0 ? now + timeoutNanos : deadline;
    }
}
