package io.nups.store;

/**
 * Told after every local add or write to a key held as a replica ({@link SlotDescriptor#STATE_REPLICA}), so
 * replica synchronization knows which keys changed since its last round. Runs on the updating thread, after
 * the slot is unlocked: keep it short and allocation-free.
 */
@FunctionalInterface
public interface ReplicaUpdates
{
    ReplicaUpdates NONE = key -> { };

    void updated(int key);
}
