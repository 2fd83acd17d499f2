package io.nups.apps.task;

/**
 * How a running task reports to {@link TaskRunner} (progress display, log lines, the run summary). Progress
 * calls come from worker threads and must be cheap: add work in batches (e.g. every 1,000 examples).
 */
public interface TaskRun
{
    /** This node starts epoch {@code epoch} (1-based) with {@code work} examples to process. */
    void epochStarted(int epoch, long work);

    /** Adds {@code done} examples to the current epoch's progress; thread-safe, lock-free. */
    void progress(long done);

    /** This node finished an epoch (called once per epoch, after any evaluation). */
    void epochFinished(EpochStats stats);

    /** A line for the user (e.g. nearest neighbours, a data summary); printed with the node's prefix. */
    void log(String line);
}
