package io.nups.sample;

import io.nups.store.ParameterStore;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * The sampling calls of one worker (reference §3.1): {@code prepare(count)} announces a group and returns its
 * id, {@code pull(id, keys, values)} hands out the next {@code keys.length} keys of the group and pulls their
 * values, {@code finish(id)} discards what is left. A group is freed when all its keys were handed out. The
 * scheme decides which keys (subclasses). Groups are reused, so a worker with a steady group size allocates
 * nothing per sample.
 *
 * <p>Not thread-safe: one per worker thread. Its counters are plain fields, read by {@link Sampling#stats()}.
 */
public abstract class WorkerSampler
{
    /** Handle of a pull that completed before it returned. */
    static final long DONE = -1;

    final String owner;
    final ParameterStore store;
    final SampleTarget target;
    private final KeyDraw draw;
    private final int numKeys;
    private final Long2ObjectHashMap<SampleGroup> groups = new Long2ObjectHashMap<>();
    private final ArrayDeque<SampleGroup> free = new ArrayDeque<>();
    private final boolean drawsAhead;
    private long nextId = 1;

    long samples;
    long localSamples;
    long postponed;
    long checks;
    long unused;
    long poolWaits;

    WorkerSampler(final String owner, final ParameterStore store, final SampleTarget target, final KeyDraw draw,
        final boolean drawsAhead)
    {
        this.owner = owner;
        this.store = store;
        this.target = target;
        this.draw = draw;
        this.numKeys = store.layout().numKeys();
        this.drawsAhead = drawsAhead;
    }

    /** Announces a group of {@code count} samples; returns its id. Blocks only while a pool is behind. */
    public final long prepare(final int count)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("prepareSample needs a count >= 1, got " + count);
        }
        final SampleGroup group = free.isEmpty() ? new SampleGroup() : free.pop();
        group.reset(count, drawsAhead);
        try
        {
            fill(group);
        }
        catch (final RuntimeException ex)
        {
            free.push(group);
            throw ex;
        }
        final long id = nextId++;
        groups.put(id, group);
        return id;
    }

    /**
     * Hands out the next {@code keys.length} keys of group {@code id} into {@code keys} and pulls their values
     * into {@code values}; returns the pull's handle ({@link #DONE} if all were local).
     */
    public final long pull(final long id, final int[] keys, final float[] values)
    {
        final SampleGroup group = groups.get(id);
        if (group == null)
        {
            throw new IllegalArgumentException("unknown sample id " + id + " on " + owner + ": ids come from its " +
                "prepareSample and are freed when all their keys were pulled or by finishSample");
        }
        if (keys.length < 1 || keys.length > group.remaining())
        {
            throw new IllegalArgumentException("pullSample of " + keys.length + " keys from sample " + id + " on " +
                owner + ", which has " + group.remaining() + " of its " + group.count() + " keys left");
        }
        final long handle = take(group, keys, values);
        samples += keys.length;
        if (group.remaining() == 0)
        {
            groups.remove(id);
            free.push(group);
        }
        return handle;
    }

    /** Discards what is left of group {@code id}; a no-op for a group already freed. */
    public final void finish(final long id)
    {
        final SampleGroup group = groups.remove(id);
        if (group != null)
        {
            unused += group.remaining();
            free.push(group);
        }
    }

    /** Scheme: prepares {@code group} (its count is set; its key array sized if it draws ahead). */
    abstract void fill(SampleGroup group);

    /** Scheme: chooses {@code keys.length} keys of {@code group} into {@code keys} and pulls them. */
    abstract long take(SampleGroup group, int[] keys, float[] values);

    /** One key from the target distribution, checked to be a key. */
    final int drawKey()
    {
        return Sampling.checkKey(draw.nextKey(), numKeys, owner);
    }

    /** Fills {@code keys} from the target distribution, each checked to be a key. */
    final void drawKeys(final int[] keys)
    {
        Sampling.drawKeys(draw, keys, numKeys, owner);
    }

    /** Pulls {@code keys}, counting those held here as local samples. */
    final long pullCounted(final int[] keys, final float[] values)
    {
        for (final int key : keys)
        {
            if (store.isLocal(key))
            {
                localSamples++;
            }
        }
        return target.pull(keys, values);
    }

    /** Naive: fresh i.i.d. draws at each pull, pulled; remote keys cost a round trip. */
    static final class Naive extends WorkerSampler
    {
        Naive(final String owner, final ParameterStore store, final SampleTarget target, final KeyDraw draw)
        {
            super(owner, store, target, draw, false);
        }

        @Override
        void fill(final SampleGroup group)
        {
        }

        @Override
        long take(final SampleGroup group, final int[] keys, final float[] values)
        {
            drawKeys(keys);
            group.skip(keys.length);
            return pullCounted(keys, values);
        }
    }

    /** Pre-localization: the group is drawn at prepare time and localized ahead; pulls hand it out in order. */
    static class Preloc extends WorkerSampler
    {
        Preloc(final String owner, final ParameterStore store, final SampleTarget target, final KeyDraw draw)
        {
            super(owner, store, target, draw, true);
        }

        @Override
        void fill(final SampleGroup group)
        {
            drawKeys(group.keys());
            target.localize(group.keys());
        }

        @Override
        long take(final SampleGroup group, final int[] keys, final float[] values)
        {
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = group.next();
            }
            return pullCounted(keys, values);
        }
    }
}
