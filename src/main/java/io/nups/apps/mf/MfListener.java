package io.nups.apps.mf;

/**
 * Follows a factorization as it runs, e.g. to draw a progress bar. Called only from the thread that runs
 * {@link MfTrainer#train}, never from worker threads, so an implementation needs no locking.
 */
public interface MfListener
{
    /** Listener that ignores everything. */
    MfListener NONE = new MfListener()
    {
        @Override
        public void progress(final int epoch, final long updatesDone, final long updatesTotal)
        {
        }

        @Override
        public void epochDone(final EpochResult result)
        {
        }
    };

    /**
     * Called a few times a second while training.
     *
     * @param epoch        epoch under way (1-based; 0 while the initial model is set up and evaluated)
     * @param updatesDone  SGD updates done so far, over all epochs
     * @param updatesTotal SGD updates of the whole run
     */
    void progress(int epoch, long updatesDone, long updatesTotal);

    /** Called once for the initial model (epoch 0) and once after every epoch. */
    void epochDone(EpochResult result);
}
