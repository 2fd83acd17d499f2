package io.nups.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * Latencies and counts of one worker thread, the single writer: one HdrHistogram {@link SingleWriterRecorder}
 * per {@link OpKind} plus an operation and a key counter per kind. Nothing on the record path allocates or
 * locks, and latency sampling keeps the cost of {@link System#nanoTime()} off most calls.
 * <p>
 * Counters are plain fields of the owner thread, published with release stores and read with acquire loads,
 * so {@link #operations(OpKind)} and {@link #keys(OpKind)} may be read from any thread. Histograms are handed
 * off through {@link #intervalHistogram(OpKind, Histogram)}, which is safe against concurrent recording.
 */
public final class OpRecorder
{
    /** Lowest discernible latency: 1 ns. */
    static final long LOWEST_NANOS = 1;
    /** Highest trackable latency: one hour; longer values are recorded as one hour. */
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    /** Value precision of every histogram. */
    static final int SIGNIFICANT_DIGITS = 3;

    /** Longs of padding either side of the counters so counters of recorders on other threads share no cache line. */
    private static final int PAD = 16;
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    private final SingleWriterRecorder[] latencies = new SingleWriterRecorder[OpKind.KINDS.length];
    /** Operation counters at {@code PAD + ordinal}, key counters at {@code PAD + KINDS + ordinal}. */
    private final long[] counters = new long[PAD + 2 * OpKind.KINDS.length + PAD];
    private final long sampleMask;

    /**
     * @param sampleEvery time one of this many calls per kind: a power of two, 1 times every call.
     */
    public OpRecorder(final int sampleEvery)
    {
        if (sampleEvery < 1 || Integer.bitCount(sampleEvery) != 1)
        {
            throw new IllegalArgumentException(
                "latency sampling must be a power of two >= 1 (1 = time every operation), got " + sampleEvery);
        }
        this.sampleMask = sampleEvery - 1;
        for (int i = 0; i < latencies.length; i++)
        {
            latencies[i] = new SingleWriterRecorder(LOWEST_NANOS, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        }
    }

    /**
     * @return one of this many calls per kind is timed.
     */
    public int sampleEvery()
    {
        return (int)sampleMask + 1;
    }

    /**
     * Counts one operation of {@code kind} and says whether to time it: true for the first call and then one of
     * every {@link #sampleEvery()} calls of that kind. Owner thread only.
     *
     * @param kind of the operation starting.
     * @return true if the caller should time this operation and {@link #record(OpKind, long)} it.
     */
    public boolean shouldTime(final OpKind kind)
    {
        final int index = PAD + kind.ordinal();
        final long count = counters[index];
        COUNTER.setRelease(counters, index, count + 1);
        return (count & sampleMask) == 0;
    }

    /**
     * Records one latency. Owner thread only. Values are clamped to [0, 1 h] so a stalled call cannot throw
     * from the record path.
     *
     * @param kind  of the operation.
     * @param nanos it took.
     */
    public void record(final OpKind kind, final long nanos)
    {
        latencies[kind.ordinal()].recordValue(Math.min(Math.max(nanos, 0), HIGHEST_NANOS));
    }

    /**
     * Counts keys touched by an operation. Owner thread only.
     *
     * @param kind of the operation.
     * @param keys it touched.
     */
    public void countKeys(final OpKind kind, final int keys)
    {
        final int index = PAD + OpKind.KINDS.length + kind.ordinal();
        COUNTER.setRelease(counters, index, counters[index] + keys);
    }

    /**
     * @param kind of operation.
     * @return operations of {@code kind} counted by {@link #shouldTime(OpKind)} so far; any thread.
     */
    public long operations(final OpKind kind)
    {
        return (long)COUNTER.getAcquire(counters, PAD + kind.ordinal());
    }

    /**
     * @param kind of operation.
     * @return keys counted for {@code kind} so far; any thread.
     */
    public long keys(final OpKind kind)
    {
        return (long)COUNTER.getAcquire(counters, PAD + OpKind.KINDS.length + kind.ordinal());
    }

    /**
     * Takes the latencies recorded for {@code kind} since the last call, without stalling the owner thread.
     * See {@link SingleWriterRecorder#getIntervalHistogram(Histogram)}.
     *
     * @param kind    of operation.
     * @param recycle null or the histogram the previous call for this kind returned, reused to avoid allocation.
     * @return the interval histogram, owned by the caller until recycled.
     */
    public Histogram intervalHistogram(final OpKind kind, final Histogram recycle)
    {
        return latencies[kind.ordinal()].getIntervalHistogram(recycle);
    }

    /**
     * @return a histogram with the same range and precision as the recorders.
     */
    static Histogram newHistogram()
    {
        return new Histogram(LOWEST_NANOS, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    }
}
