package io.nups.manage;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DoorbellTest
{
    private static final long LONG_SLEEP = TimeUnit.SECONDS.toNanos(60);

    @Test
    void ringWakesASleeperLongBeforeItsBound() throws Exception
    {
        final Doorbell bell = new Doorbell();
        final AtomicBoolean work = new AtomicBoolean();
        final Thread sleeper = new Thread(() ->
        {
            while (!work.get())
            {
                bell.arm();
                bell.park(!work.get(), LONG_SLEEP);
            }
        }, "doorbell-sleeper");
        sleeper.setDaemon(true);
        sleeper.start();
        awaitParked(sleeper);
        work.set(true);
        bell.ring();
        // Without the ring the sleeper would stay parked for 60 s.
        sleeper.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(sleeper.isAlive(), "the ring did not wake the sleeper");
    }

    @Test
    void workSeenAfterArmingSkipsTheSleep() throws Exception
    {
        final Doorbell bell = new Doorbell();
        final Thread thread = new Thread(() ->
        {
            bell.arm();
            bell.park(false, LONG_SLEEP);
        }, "doorbell-busy");
        thread.setDaemon(true);
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(thread.isAlive(), "parked although work was there");
    }

    /** Waits (bounded) until {@code thread} is parked in a timed wait. */
    private static void awaitParked(final Thread thread)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (thread.getState() != Thread.State.TIMED_WAITING)
        {
            assertTrue(System.nanoTime() < deadline, "thread never parked: " + thread.getState());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
