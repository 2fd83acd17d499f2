package io.nups.apps.kge;

import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskRun;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TaskRun} that records what a node reported. */
class RecordingRun implements TaskRun
{
    final List<Integer> started = new CopyOnWriteArrayList<>();
    final List<Long> work = new CopyOnWriteArrayList<>();
    final List<EpochStats> finished = new CopyOnWriteArrayList<>();
    final AtomicLong progress = new AtomicLong();
    final AtomicLong progressCalls = new AtomicLong();

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
        progressCalls.incrementAndGet();
    }

    @Override
    public void epochFinished(final EpochStats stats)
    {
        finished.add(stats);
    }

    @Override
    public void log(final String line)
    {
    }
}
