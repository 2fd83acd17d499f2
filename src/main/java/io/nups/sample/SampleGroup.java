package io.nups.sample;

/**
 * One prepared sample group of a worker: how many keys it promised, how many were handed out, and (for the
 * schemes that draw ahead) the keys, with postponed keys appended after the first {@code count}. Reused from
 * group to group; its arrays are reallocated only when the group size changes.
 */
final class SampleGroup
{
    private int count;
    private int used;
    private int postponedCount;
    /** The drawn keys, exactly {@code count} long (so they can be localized as they are). */
    private int[] keys = new int[0];
    private int[] postponed = new int[0];

    /** Starts a group of {@code count} keys; {@code withKeys}: the keys are drawn ahead into {@link #keys()}. */
    void reset(final int count, final boolean withKeys)
    {
        this.count = count;
        this.used = 0;
        this.postponedCount = 0;
        if (withKeys && keys.length != count)
        {
            keys = new int[count];
        }
    }

    int count()
    {
        return count;
    }

    int used()
    {
        return used;
    }

    /** Keys still to be handed out, postponed ones included. */
    int remaining()
    {
        return count + postponedCount - used;
    }

    int[] keys()
    {
        return keys;
    }

    /** Marks {@code n} keys handed out without reading them (drawn fresh at pull time). */
    void skip(final int n)
    {
        used += n;
    }

    /** The next key drawn ahead: first the group's own, then the postponed ones in postponing order. */
    int next()
    {
        final int position = used++;
        return position < count ? keys[position] : postponed[position - count];
    }

    /** True if the next key is one of the group's own (postponed keys are not postponed again). */
    boolean beforePostponed()
    {
        return used < count;
    }

    /** Appends {@code key} after the group's own keys. */
    void postpone(final int key)
    {
        if (postponedCount == postponed.length)
        {
            postponed = java.util.Arrays.copyOf(postponed, Math.max(count, 2 * postponed.length + 1));
        }
        postponed[postponedCount++] = key;
    }
}
