package io.nups.apps.task;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TaskRun} that records what a task reported, for assertions; tasks' tests share it. */
public class RecordingRun implements TaskRun
{
    public final List<Integer> started = new CopyOnWriteArrayList<>();
    public final List<Long> work = new CopyOnWriteArrayList<>();
    public final List<EpochStats> epochs = new CopyOnWriteArrayList<>();
    public final List<String> lines = new CopyOnWriteArrayList<>();
    public final AtomicLong progress = new AtomicLong();

    @Override
    public void epochStarted(final int epoch, final long examples)
    {
        started.add(epoch);
        work.add(examples);
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
