package io.nups.apps.mf;

import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskRun;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TaskRun} that keeps what a task reported, for assertions. */
final class RecordingRun implements TaskRun
{
    final List<EpochStats> epochs = new CopyOnWriteArrayList<>();
    final List<String> lines = new CopyOnWriteArrayList<>();
    final AtomicLong progress = new AtomicLong();
    final AtomicLong started = new AtomicLong();

    @Override
    public void epochStarted(final int epoch, final long work)
    {
        started.incrementAndGet();
    }

    @Override
    public void progress(final long done)
    {
        progress.addAndGet(done);
    }

    @Override
    public void epochFinished(final EpochStats stats)
    {
        epochs.add(stats);
    }

    @Override
    public void log(final String line)
    {
        lines.add(line);
    }
}
