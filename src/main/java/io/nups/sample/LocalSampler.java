package io.nups.sample;

import io.nups.store.ParameterStore;
import io.nups.store.SlotDescriptor;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Local scheme (reference §3.3, onlylocal): one key per pull, always held on this node (owned or a replica), so
 * it never communicates and returns {@link #DONE}. General variant: draw until a drawn key is local. Scan variant
 * (a domain {@code [from, to)} given): draw one start key and scan upward, wrapping, to the next local key. The
 * result follows the target restricted to local keys (the scan variant adds a bias towards keys after runs of
 * non-local ones). With down-weighting, a replica found is kept only with probability 1/nodes and otherwise
 * treated like a non-local key. A search that finds nothing within the wait timeout fails, naming the node.
 */
final class LocalSampler extends WorkerSampler
{
    private static final int CLOCK_CHECK_MASK = (1 << 16) - 1;

    private final int rank;
    private final int nodes;
    private final boolean scan;
    private final int from;
    private final int to;
    private final boolean downweight;
    private final SplittableRandom random;
    private final long timeoutNanos;

    LocalSampler(final String owner, final ParameterStore store, final SampleTarget target, final KeyDraw draw,
        final SamplingOptions options, final int rank, final int nodes, final long seed, final long timeoutNanos)
    {
        super(owner, store, target, draw, false);
        this.rank = rank;
        this.nodes = nodes;
        this.scan = options.scans();
        this.from = options.scanFrom();
        this.to = options.scanTo();
        this.downweight = options.downweightReplicas() && nodes > 1;
        this.random = new SplittableRandom(seed);
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    void fill(final SampleGroup group)
    {
    }

    @Override
    long take(final SampleGroup group, final int[] keys, final float[] values)
    {
        if (keys.length != 1)
        {
            throw new IllegalArgumentException("local sampling hands out one key per pullSample, got " + keys.length +
                " keys on " + owner);
        }
        int key = scan ? drawStart() : drawKey();
        long examined = 1;
        long deadline = 0;
        while (!(accepts(key) && target.pullIfLocal(key, values)))
        {
            key = scan ? (key + 1 == to ? from : key + 1) : drawKey();
            if ((++examined & CLOCK_CHECK_MASK) == 0)
            {
                deadline = checkDeadline(deadline, examined);
            }
        }
        group.skip(1);
        checks += examined;
        localSamples++;
        keys[0] = key;
        return DONE;
    }

    private boolean accepts(final int key)
    {
        if (!store.isLocal(key))
        {
            return false;
        }
        return !downweight || store.state(key) != SlotDescriptor.STATE_REPLICA || random.nextInt(nodes) == 0;
    }

    private int drawStart()
    {
        final int key = drawKey();
        if (key < from || key >= to)
        {
            throw new IllegalStateException("the key distribution drew start key " + key + " on " + owner +
                ", outside the scan range [" + from + ", " + to + ")");
        }
        return key;
    }

    private long checkDeadline(final long deadline, final long examined)
    {
        final long now = System.nanoTime();
        if (deadline == 0)
        {
            return now + timeoutNanos;
        }
        if (now - deadline > 0)
        {
            throw new IllegalStateException("local sampling on " + owner + " examined " + examined + " keys in " +
                TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s without finding one held on node " + rank +
                ": this node holds no key the distribution draws" + (scan ? " in [" + from + ", " + to + ")" : ""));
        }
        return deadline;
    }
}
