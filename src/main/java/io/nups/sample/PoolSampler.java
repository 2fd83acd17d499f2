package io.nups.sample;

import io.nups.store.ParameterStore;

/**
 * Pool scheme, worker side (reference §3.3): a group takes consecutive positions of the node's {@link SamplePool}
 * and localizes them again (another node may have taken them meanwhile); pulls hand them out in order. With
 * postponing, a single-key pull whose key is not local moves it to the end of the group and takes the next key
 * instead (pulled whether local or not); postponed keys come after the group's own and are not postponed again,
 * so nothing is dropped or duplicated, only reordered within the group.
 */
final class PoolSampler extends WorkerSampler
{
    private final SamplePool pool;
    private final boolean postpone;
    private final long timeoutNanos;

    PoolSampler(final String owner, final ParameterStore store, final SampleTarget target, final SamplePool pool,
        final boolean postpone, final long timeoutNanos)
    {
        super(owner, store, target, null, true);
        this.pool = pool;
        this.postpone = postpone;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    void fill(final SampleGroup group)
    {
        if (pool.take(group.keys(), timeoutNanos))
        {
            poolWaits++;
        }
        target.localize(group.keys());
    }

    @Override
    long take(final SampleGroup group, final int[] keys, final float[] values)
    {
        if (postpone && keys.length == 1 && group.beforePostponed() && group.remaining() > 1)
        {
            final int key = group.next();
            if (target.pullIfLocal(key, values))
            {
                keys[0] = key;
                localSamples++;
                return DONE;
            }
            group.postpone(key);
            postponed++;
        }
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = group.next();
        }
        return pullCounted(keys, values);
    }
}
