package io.nups.manage;

import java.util.concurrent.TimeUnit;

/**
 * One step of a bounded wait, shared by every waiter in this package: spin a while (answers usually come
 * within microseconds), then sleep on the waiter's {@link Doorbell}, which whoever completes the wait rings,
 * and give up once the timeout has passed since the first sleep. Stateless, so a waiter keeps its spin count
 * and deadline in locals and allocates nothing.
 */
final class BoundedIdle
{
    /** {@link #step} result once the wait has lasted longer than its timeout. */
    static final long TIMED_OUT = Long.MIN_VALUE;
    /** Longest single sleep: a ring that never comes delays timeout and failure checks by at most this. */
    static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SPINS_BEFORE_SLEEP = 2000;

    /** The condition waited for, checked again after the waiter announced its sleep. */
    @FunctionalInterface
    interface Waiting
    {
        boolean stillWaiting();
    }

    private BoundedIdle()
    {
    }

    /**
     * Idles once. {@code spins} counts the steps so far (1 for the first); {@code deadline} is what the
     * previous step returned (0 before the first). Returns the deadline to pass next time, or {@link #TIMED_OUT}.
     */
    static long step(final int spins, final long deadline, final long timeoutNanos, final Doorbell bell,
        final Waiting waiting)
    {
        if (spins < SPINS_BEFORE_SLEEP)
        {
            Thread.onSpinWait();
            return deadline;
        }
        final long now = System.nanoTime();
        if (deadline != 0 && now - deadline > 0)
        {
            return TIMED_OUT;
        }
        bell.arm();
        bell.park(waiting.stillWaiting(), MAX_SLEEP_NANOS);
        return deadline == 0 ? now + timeoutNanos : deadline;
    }
}
