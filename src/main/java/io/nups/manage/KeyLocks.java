package io.nups.manage;

/**
 * Striped monitors that serialize, per key, the moves of a key in and out of the store with the transfer
 * records and queued operations of that key. The worker fast path does not take them: store operations
 * are atomic per slot on their own.
 */
final class KeyLocks
{
    /** Enough stripes that worker threads and the server thread rarely meet on one. */
    private static final int STRIPES = 1024;

    private final Object[] stripes = new Object[STRIPES];

    KeyLocks()
    {
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Object();
        }
    }

    Object of(final int key)
    {
        return stripes[key & (STRIPES - 1)];
    }
}
