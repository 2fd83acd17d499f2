package io.nups.manage;

import io.nups.metrics.OpKind;
import io.nups.metrics.OpRecorder;
import io.nups.store.KeyLayout;
import io.nups.store.SlotDescriptor;
import io.nups.transport.OneSidedCompletion;
import io.nups.transport.Transport;
import io.nups.transport.TransportException;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The one-sided part of one worker's pull: whole slots of remote keys whose location is known are read
 * into this worker's off-heap scratch area, validated ({@link SlotDescriptor#classifyCopy}: even version,
 * checksum, expected key, state OWNED) and copied into the caller's array. A torn copy is read again, at most
 * {@link #TORN_RETRIES} times; a copy showing the key gone drops the location. Keys not served this way are
 * marked for the caller to pull by message.
 *
 * <p>Why a validated copy is never older than the caller's completed push: a push completes only after the
 * key's holder applied it; the value leaves a node only through {@code remove}, which marks the slot FREE
 * under the slot's version lock before the value is sent on. A copy started after the push completed
 * therefore shows either a version that includes the push, or a freed/reused slot, which is rejected.
 *
 * <p>Worker thread only, except {@link #onComplete}, which transports may run on their own thread. Reads of
 * one call are issued in chunks that fit the scratch area; each chunk is awaited (bounded) before the next.
 */
final class OneSidedReads implements OneSidedCompletion
{
    /** Torn copies of a key read again before it falls back to a message. */
    static final int TORN_RETRIES = 16;
    private static final int SCRATCH_BYTES = 256 * 1024;
    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);
    private static final VarHandle COMPLETED;

    private static final byte PENDING = 0;
    private static final byte DONE = 1;
    private static final byte FALLBACK = 2;

    static
    {
        try
        {
            COMPLETED = MethodHandles.lookup().findVarHandle(OneSidedReads.class, "completed", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Transport transport;
    private final SlotLocations locations;
    private final KeyLayout layout;
    private final OpRecorder recorder;
    /** Told when a read never completes (the node cannot go on safely); asked whether the node failed. */
    private final ParameterManager manager;
    private final long timeoutNanos;
    @SuppressWarnings("unused") // keeps the scratch memory alive
    private final ByteBuffer scratchBuffer;
    private final long scratch;
    private final int scratchBytes;
    private final int maxReadBytes;
    private int count;
    private int[] keys = new int[16];
    private int[] positions = new int[16];
    private int[] scratchOffsets = new int[16];
    private long[] entries = new long[16];
    private byte[] states = new byte[16];
    /** Written by completions before they count themselves off. */
    private boolean[] refused = new boolean[16];
    @SuppressWarnings("unused") // accessed through COMPLETED
    private volatile int completed;
    /** The worker sleeps on it while reads are outstanding; completions ring it. */
    private final Doorbell doorbell = new Doorbell();
    private final BoundedIdle.Waiting outstanding = this::readsOutstanding;
    private int awaitedReads;

    OneSidedReads(final Transport transport, final SlotLocations locations, final KeyLayout layout,
        final OpRecorder recorder, final ParameterManager manager, final long timeoutNanos)
    {
        this.transport = transport;
        this.locations = locations;
        this.layout = layout;
        this.recorder = recorder;
        this.manager = manager;
        this.timeoutNanos = timeoutNanos;
        this.scratchBytes = Math.max(SCRATCH_BYTES, SlotDescriptor.slotLength(layout.keysPerLength().lastKey()));
        this.scratchBuffer = BufferUtil.allocateDirectAligned(scratchBytes, SlotDescriptor.SLOT_ALIGNMENT);
        this.scratch = BufferUtil.address(scratchBuffer);
        this.maxReadBytes = transport.maxMessageLength();
    }

    /**
     * The location entry of {@code key}, or {@link SlotLocations#UNKNOWN} if none is known or its slot is
     * larger than the transport reads in one go (such keys always go by message).
     */
    long location(final int key)
    {
        return slotLength(key) <= maxReadBytes ? locations.get(key) : SlotLocations.UNKNOWN;
    }

    /** Starts collecting the reads of one call. */
    void clear()
    {
        count = 0;
    }

    /** Adds a read of {@code key} (for output position {@code position}) at location {@code entry}. */
    void add(final int key, final int position, final long entry)
    {
        if (count == keys.length)
        {
            final int size = 2 * count;
            keys = Arrays.copyOf(keys, size);
            positions = Arrays.copyOf(positions, size);
            scratchOffsets = Arrays.copyOf(scratchOffsets, size);
            entries = Arrays.copyOf(entries, size);
            states = Arrays.copyOf(states, size);
            refused = Arrays.copyOf(refused, size);
        }
        keys[count] = key;
        positions[count] = position;
        entries[count] = entry;
        states[count] = PENDING;
        count++;
    }

    int count()
    {
        return count;
    }

    int key(final int read)
    {
        return keys[read];
    }

    int position(final int read)
    {
        return positions[read];
    }

    /** True if read {@code read} did not serve its key, which must be pulled by message. */
    boolean fellBack(final int read)
    {
        return states[read] == FALLBACK;
    }

    /** Performs every added read, filling {@code out}; returns the number of keys served. */
    int run(final float[] out)
    {
        final long start = recorder.shouldTime(OpKind.ONE_SIDED_READ) ? System.nanoTime() : 0;
        int served = 0;
        int next = 0;
        while (next < count)
        {
            final int first = next;
            int used = 0;
            while (next < count && used + slotLength(keys[next]) <= scratchBytes)
            {
                scratchOffsets[next] = used;
                used += slotLength(keys[next]);
                next++;
            }
            served += runChunk(first, next, out);
        }
        if (start != 0)
        {
            recorder.record(OpKind.ONE_SIDED_READ, System.nanoTime() - start);
        }
        recorder.countKeys(OpKind.ONE_SIDED_READ, served);
        if (served < count)
        {
            recorder.shouldTime(OpKind.READ_FALLBACK);
            recorder.countKeys(OpKind.READ_FALLBACK, count - served);
        }
        return served;
    }

    private int runChunk(final int first, final int end, final float[] out)
    {
        int served = 0;
        for (int attempt = 0; ; attempt++)
        {
            final int issued = issue(first, end);
            if (issued == 0)
            {
                return served;
            }
            awaitCompletions(issued, first);
            int torn = 0;
            for (int i = first; i < end; i++)
            {
                if (states[i] != PENDING)
                {
                    continue;
                }
                final int key = keys[i];
                final int length = layout.length(key);
                final long copy = scratch + scratchOffsets[i];
                final int verdict = refused[i] ? SlotDescriptor.COPY_MOVED :
                    SlotDescriptor.classifyCopy(copy, key, SlotDescriptor.STATE_OWNED, length);
                if (verdict == SlotDescriptor.COPY_CONSISTENT)
                {
                    UnsafeApi.copyMemory(null, copy + SlotDescriptor.VALUES_OFFSET, out,
                        FLOAT_ARRAY_BASE + 4L * positions[i], 4L * length);
                    states[i] = DONE;
                    served++;
                }
                else if (verdict == SlotDescriptor.COPY_MOVED)
                {
                    locations.forget(key, entries[i]);
                    states[i] = FALLBACK;
                }
                else if (attempt >= TORN_RETRIES)
                {
                    states[i] = FALLBACK;
                }
                else
                {
                    torn++;
                }
            }
            if (torn > 0)
            {
                recorder.shouldTime(OpKind.TORN_READ);
                recorder.countKeys(OpKind.TORN_READ, torn);
            }
        }
    }

    /** Issues the reads still pending in {@code [first, end)}; returns how many completions to await. */
    private int issue(final int first, final int end)
    {
        COMPLETED.setRelease(this, 0);
        int issued = 0;
        for (int i = first; i < end; i++)
        {
            if (states[i] != PENDING)
            {
                continue;
            }
            final long entry = entries[i];
            refused[i] = false;
            try
            {
                transport.read(SlotLocations.node(entry), SlotLocations.region(entry), SlotLocations.offset(entry),
                    slotLength(keys[i]), scratch + scratchOffsets[i], i, this);
                issued++;
            }
            catch (final TransportException ex)
            {
                // Region unknown or out of bounds: the location is wrong, the message path still works.
                locations.forget(keys[i], entry);
                states[i] = FALLBACK;
            }
        }
        return issued;
    }

    private void awaitCompletions(final int issued, final int first)
    {
        awaitedReads = issued;
        long deadline = 0;
        int spins = 0;
        while (readsOutstanding())
        {
            deadline = BoundedIdle.step(++spins, deadline, timeoutNanos, doorbell, outstanding);
            final String failure = deadline == 0 ? null : manager.failure();
            if (failure != null)
            {
                // A lost peer may never complete its reads; the node stops anyway.
                throw new IllegalStateException("nups node " + manager.rank() + " stopped: " + failure);
            }
            if (deadline == BoundedIdle.TIMED_OUT)
            {
                final String reason = "one-sided reads of " + (issued - (int)COMPLETED.getAcquire(this)) + " keys (" +
                    "first at node " + SlotLocations.node(entries[first]) + ") did not complete within " +
                    TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s";
                manager.fail(reason);
                throw new IllegalStateException(reason);
            }
        }
    }

    /** Transport completion of read {@code token}. */
    @Override
    public void onComplete(final long token, final TransportException error)
    {
        if (error != null)
        {
            refused[(int)token] = true;
        }
        COMPLETED.getAndAdd(this, 1);
        doorbell.ring();
    }

    private boolean readsOutstanding()
    {
        return (int)COMPLETED.getAcquire(this) < awaitedReads;
    }

    private int slotLength(final int key)
    {
        return SlotDescriptor.slotLength(layout.length(key));
    }
}
