package io.nups.apps.mf;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one task per named thread and keeps the first failure, so that the caller can stop the others and
 * report the cause rather than a follow-on error.
 */
final class WorkerGang
{
    private final Thread[] threads;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    WorkerGang(final String name, final Runnable[] tasks)
    {
        threads = new Thread[tasks.length];
        for (int i = 0; i < tasks.length; i++)
        {
            final Runnable task = tasks[i];
            threads[i] = new Thread(() -> runCatching(task), name + "-" + i);
        }
    }

    void start()
    {
        for (final Thread thread : threads)
        {
            thread.start();
        }
    }

    boolean running()
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

    /** The first failure of any task, or null. */
    RuntimeException failure()
    {
        return failure.get();
    }

    /** Waits at most {@code millis} in total for every thread to end; true if they all did. */
    boolean join(final long millis) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (final Thread thread : threads)
        {
            final long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0)
            {
                thread.join(left);
            }
        }
        return !running();
    }

    private void runCatching(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final Throwable ex)
        {
            final String message = ex.getMessage() != null ? ex.getMessage() : ex.toString();
            failure.compareAndSet(null, new IllegalStateException(
                Thread.currentThread().getName() + " failed: " + message, ex));
        }
    }
}
