package io.nups.node;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Barrier over all worker threads of a node, bounded: a worker that never arrives fails every waiter
 * with a message saying how many arrived, instead of hanging the run.
 */
final class WorkerBarrier
{
    private final CyclicBarrier barrier;
    private final Duration timeout;

    WorkerBarrier(final int parties, final Duration timeout)
    {
        this.barrier = new CyclicBarrier(parties);
        this.timeout = timeout;
    }

    void await(final int worker)
    {
        try
        {
            barrier.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("barrier timed out after " + timeout.toSeconds() + " s at worker " +
                worker + ": not all " + barrier.getParties() + " workers arrived", ex);
        }
        catch (final BrokenBarrierException ex)
        {
            throw new IllegalStateException("barrier broken at worker " + worker +
                ": another worker timed out, was interrupted or the node closed", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in barrier at worker " + worker, ex);
        }
    }

    /** Releases every waiter with a broken-barrier failure (on close). */
    void breakBarrier()
    {
        barrier.reset();
    }
}
