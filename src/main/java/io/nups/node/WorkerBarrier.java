package io.nups.node;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Barrier over all worker threads of a node, bounded: a worker that never arrives fails every waiter
 * with a message saying how many arrived, instead of hanging the run. On several nodes the last worker
 * to arrive also passes the barrier of all nodes before any worker is released.
 */
final class WorkerBarrier
{
    private final CyclicBarrier barrier;
    private final Duration timeout;

    /**
     * @param clusterBarrier run by the last worker to arrive, or null on a single node
     */
    WorkerBarrier(final int parties, final Duration timeout, final Runnable clusterBarrier)
    {
        this.barrier = new CyclicBarrier(parties, clusterBarrier);
        // The cluster barrier has its own bound; the workers waiting for it must not give up first.
        this.timeout = clusterBarrier == null ? timeout : timeout.multipliedBy(2);
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
