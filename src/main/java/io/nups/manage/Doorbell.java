package io.nups.manage;

import java.util.concurrent.locks.LockSupport;

/**
 * Lets one consumer thread sleep until a producer has work for it, instead of waking on a timer: a parked
 * thread on Linux sleeps at least the kernel's timer slack (about 50 µs), which dominated every message hop.
 * The consumer announces itself, checks for work once more and parks; a producer makes its work visible and
 * then rings. Both steps are volatile (sequentially consistent) accesses in opposite order, so either the
 * consumer sees the work or the producer sees the sleeper: no wake-up is lost. Sleeps are still bounded, so a
 * caller's timeout and failure checks keep running.
 */
public final class Doorbell
{
    private volatile Thread sleeper;

    /** Producer side: call after the work is visible (queued, counted). Costs a volatile read if nobody sleeps. */
    public void ring()
    {
        final Thread thread = sleeper;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /** Consumer side (one thread), step 1: announce the sleep; then check for work once more. */
    public void arm()
    {
        sleeper = Thread.currentThread();
    }

    /** Consumer side, step 2: parks up to {@code maxNanos} if the check after {@link #arm()} found no work. */
    public void park(final boolean noWork, final long maxNanos)
    {
        if (noWork)
        {
            LockSupport.parkNanos(this, maxNanos);
        }
        sleeper = null;
    }
}
