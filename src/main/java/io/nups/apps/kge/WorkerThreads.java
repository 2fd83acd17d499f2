package io.nups.apps.kge;

import io.nups.api.ParameterServer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one body per worker of a node on named threads and waits for them. The first failure closes the server so
 * that the others, which may wait at a barrier for the failed one, stop at once instead of at the wait timeout; it
 * is then thrown, not a follow-on error.
 */
final class WorkerThreads
{
    private static final long POLL_MILLIS = 100;
    /** Bound on the others stopping after a failure closed the server (node close waits up to 10 s). */
    private static final long STOP_MILLIS = 15_000;

    private WorkerThreads()
    {
    }

    /** Runs {@code bodies[i]} on thread {@code name-i}; returns when all ended, throws the first failure. */
    static void run(final ParameterServer ps, final String name, final Runnable[] bodies)
    {
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final Thread[] threads = new Thread[bodies.length];
        for (int i = 0; i < bodies.length; i++)
        {
            final Runnable body = bodies[i];
            threads[i] = new Thread(() ->
            {
                try
                {
                    body.run();
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, new IllegalStateException(Thread.currentThread().getName() +
                        " failed: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()), ex));
                }
            }, name + "-" + i);
            threads[i].start();
        }
        try
        {
            while (alive(threads) && failure.get() == null)
            {
                threads[0].join(POLL_MILLIS);
            }
            if (failure.get() != null)
            {
                ps.close();
                final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_MILLIS);
                for (final Thread thread : threads)
                {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
                throw failure.get();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " threads", ex);
        }
    }

    private static boolean alive(final Thread[] threads)
    {
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                return true;
            }
        }
        return false;
    }
}
