package io.nups.apps.w2v;

import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskRun;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TaskRun} that records what a task reported. */
final class RecordingRun implements TaskRun
{
    final List<Long> epochWork = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong progress = new AtomicLong();
    final List<EpochStats> epochs = Collections.synchronizedList(new ArrayList<>());
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void epochStarted(final int epoch, final long work)
    {
        epochWork.add(work);
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
