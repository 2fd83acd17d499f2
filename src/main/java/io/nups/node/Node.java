package io.nups.node;

import io.nups.metrics.LatencyReport;
import io.nups.metrics.OpRecorder;
import io.nups.store.ParameterStore;
import io.nups.store.SlotDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * One nups node: its parameter store, its workers and its profiling, wired together and shut down in
 * order (workers stopped, profile written, memory freed).
 */
public final class Node implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final NodeSettings settings;
    private final int rank;
    private final ParameterStore store;
    private final LatencyReport report;
    private final NodeWorker[] workers;
    private final WorkerBarrier barrier;
    private volatile boolean closed;

    public Node(final NodeSettings settings)
    {
        this.settings = settings;
        this.rank = 0;
        this.store = new ParameterStore(settings.layout(), settings.store());
        this.report = new LatencyReport("r" + rank);
        try
        {
            final int numKeys = settings.layout().numKeys();
            for (int key = 0; key < numKeys; key++)
            {
                store.insert(key, SlotDescriptor.STATE_OWNED, null, 0);
            }
            this.workers = new NodeWorker[settings.threads()];
            for (int i = 0; i < workers.length; i++)
            {
                final OpRecorder recorder = new OpRecorder(settings.latencySampleEvery());
                report.register(recorder);
                workers[i] = new NodeWorker(this, i, recorder);
            }
            this.barrier = new WorkerBarrier(settings.threads(), settings.waitTimeout());
            if (settings.profileDirectory() != null)
            {
                Files.createDirectories(settings.profileDirectory());
                report.startIntervalLog(
                    settings.profileDirectory().resolve(profilePrefix() + ".hlog"), settings.profileInterval().toMillis());
            }
        }
        catch (final IOException ex)
        {
            release();
            throw new UncheckedIOException("cannot create profile directory " + settings.profileDirectory(), ex);
        }
        catch (final RuntimeException ex)
        {
            release();
            throw ex;
        }
        LOG.info("node {} started: {}, {} worker threads, {}", rank, settings.layout(), settings.threads(),
            store.memoryReport().lines().findFirst().orElse(""));
    }

    private String profilePrefix()
    {
        return "nups-r" + rank;
    }

    public NodeSettings settings()
    {
        return settings;
    }

    public int rank()
    {
        return rank;
    }

    public ParameterStore store()
    {
        return store;
    }

    public LatencyReport report()
    {
        return report;
    }

    public NodeWorker worker(final int index)
    {
        checkOpen();
        if (index < 0 || index >= workers.length)
        {
            throw new IllegalArgumentException("worker index " + index + " out of range [0, " + workers.length + ")");
        }
        return workers[index];
    }

    WorkerBarrier barrier()
    {
        return barrier;
    }

    public boolean isClosed()
    {
        return closed;
    }

    public void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("nups node " + rank + " is closed");
        }
    }

    /**
     * Stops the node: new calls fail, running calls are waited for (bounded), the profile is written and
     * all off-heap memory is freed. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        barrier.breakBarrier();
        final long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        for (final NodeWorker worker : workers)
        {
            while (worker.isInCall())
            {
                if (System.nanoTime() > deadline)
                {
                    LOG.error("worker {} still inside a call {} s after close; leaking the store rather than " +
                        "freeing memory under it", worker.index(), TimeUnit.NANOSECONDS.toSeconds(CLOSE_WAIT_NANOS));
                    report.close();
                    return;
                }
                Thread.onSpinWait();
            }
        }
        try
        {
            if (settings.profileDirectory() != null)
            {
                report.writePercentiles(settings.profileDirectory(), profilePrefix());
            }
        }
        finally
        {
            release();
        }
    }

    private void release()
    {
        report.close();
        store.close();
    }
}
