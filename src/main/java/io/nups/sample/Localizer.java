package io.nups.sample;

/** How the pool agent moves a group's keys to its node: a port of its own, as a worker has (reference: its own customer). */
public interface Localizer
{
    /** Handle of a localize that completed before it returned. */
    long DONE = -1;

    /** Nothing to move: one node, or classic mode. */
    Localizer NONE = new Localizer()
    {
        @Override
        public long localize(final int[] keys)
        {
            return DONE;
        }

        @Override
        public boolean isDone(final long handle)
        {
            return true;
        }

        @Override
        public void awaitAll(final long timeoutNanos)
        {
        }
    };

    /** Starts moving {@code keys} here; returns a handle ({@link #DONE} if complete). */
    long localize(int[] keys);

    boolean isDone(long handle);

    /** Waits, bounded, until every localize issued has completed. */
    void awaitAll(long timeoutNanos);
}
