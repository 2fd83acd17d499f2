package io.nups.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Named daemon thread that runs a task every interval and, when stopped, runs an exit task once. Missed
 * intervals (a long pause) are skipped rather than run back to back. A failing task stops the agent, logged,
 * without taking the node down. Stopping is bounded, so a stuck task cannot hang the caller.
 */
final class PeriodicAgent implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicAgent.class);

    private final long intervalNanos;
    private final Runnable task;
    private final Runnable onExit;
    private final Thread thread;
    private volatile boolean running = true;

    PeriodicAgent(final String name, final long intervalMillis, final Runnable task, final Runnable onExit)
    {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.task = task;
        this.onExit = onExit;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /**
     * Stops the agent and waits for its exit task.
     *
     * @param timeoutMillis longest wait.
     * @return true if the thread ended within the timeout.
     */
    boolean stop(final long timeoutMillis)
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(timeoutMillis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    String name()
    {
        return thread.getName();
    }

    @Override
    public void run()
    {
        try
        {
            long deadline = System.nanoTime() + intervalNanos;
            while (running && !Thread.currentThread().isInterrupted())
            {
                final long now = System.nanoTime();
                if (deadline - now > 0)
                {
                    LockSupport.parkNanos(this, deadline - now);
                }
                else
                {
                    task.run();
                    deadline += intervalNanos;
                    if (deadline - now <= 0)
                    {
                        deadline = now + intervalNanos;
                    }
                }
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{} failed, stopping it", thread.getName(), ex);
        }
        finally
        {
            onExit.run();
        }
    }
}
