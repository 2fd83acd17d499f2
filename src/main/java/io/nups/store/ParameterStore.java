package io.nups.store;

import org.agrona.UnsafeApi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.nups.store.SlotDescriptor.CHECKSUM_OFFSET;
import static io.nups.store.SlotDescriptor.KEY_OFFSET;
import static io.nups.store.SlotDescriptor.STATE_FREE;
import static io.nups.store.SlotDescriptor.STATE_OFFSET;
import static io.nups.store.SlotDescriptor.STATE_REPLICA;
import static io.nups.store.SlotDescriptor.VALUES_OFFSET;
import static io.nups.store.SlotDescriptor.VERSION_OFFSET;

/**
 * The node's parameters: float values of the locally held keys, in slots ({@link SlotDescriptor}) inside
 * off-heap slabs that are allocated once and never move.
 *
 * <p>Thread-safe. Reads are seqlock reads on the slot's version word; writes (add, overwrite, insert,
 * remove) serialize per slot on the same word, so every write of one key is atomic to every reader,
 * local or one-sided remote. No operation here allocates or takes a lock shared between keys, except
 * slot allocation and release, which are off the worker fast path.
 */
public final class ParameterStore implements AutoCloseable
{
    private static final long FLOAT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(float[].class);
    private static final int SPINS_BETWEEN_CLOCK_CHECKS = 1 << 12;
    private static final long STUCK_SLOT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final KeyLayout layout;
    private final SlotIndex index;
    private final Map<Integer, SlotClass> classes;
    private final List<Slab> slabs;
    /** Slab base addresses in ascending order, for finding the slab of a slot address. */
    private final long[] slabBases;
    private final Slab[] slabsByBase;
    private volatile boolean closed;
    private ReplicaUpdates replicaUpdates = ReplicaUpdates.NONE;

    public ParameterStore(final KeyLayout layout, final StoreOptions options)
    {
        this.layout = layout;
        this.index = new SlotIndex(layout.numKeys());
        final Map<Integer, SlotClass> byLength = new java.util.TreeMap<>();
        final List<Slab> allSlabs = new ArrayList<>();
        try
        {
            for (final var entry : layout.keysPerLength().entrySet())
            {
                final long capacity = Math.max(1, (long)Math.ceil(entry.getValue() * options.capacityFactor()));
                final SlotClass slotClass = new SlotClass(
                    entry.getKey(), capacity, options.maxSlabLength(), length -> newSlab(options, allSlabs.size(), length));
                byLength.put(entry.getKey(), slotClass);
                slotClass.addSlabsTo(allSlabs);
            }
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            byLength.values().forEach(SlotClass::closeSlabs);
            index.close();
            throw ex;
        }
        this.classes = byLength;
        this.slabs = Collections.unmodifiableList(allSlabs);
        final List<Slab> byBase = new ArrayList<>(allSlabs);
        byBase.sort(java.util.Comparator.comparingLong(Slab::address));
        this.slabBases = byBase.stream().mapToLong(Slab::address).toArray();
        this.slabsByBase = byBase.toArray(new Slab[0]);
    }

    private static Slab newSlab(final StoreOptions options, final int id, final int length)
    {
        if (options.slabDirectory() == null)
        {
            return Slab.allocate(id, length);
        }
        return Slab.mapNewFile(id, length, options.slabDirectory().resolve(options.filePrefix() + "-" + id + ".slab"));
    }

    public KeyLayout layout()
    {
        return layout;
    }

    /** All slabs, in id order, for registration with a transport. */
    public List<Slab> slabs()
    {
        return slabs;
    }

    /** Address of {@code key}'s slot, or 0 if the key is not held here. The key must be in range. */
    public long slotAddress(final int key)
    {
        return index.get(key);
    }

    /**
     * Where {@code key}'s slot lies for one-sided readers: the slab id in the high 32 bits and the byte offset
     * inside that slab in the low 32 bits, or -1 if the key is not held here. Only meaningful while the caller
     * keeps the key from moving (e.g. holds the key's management lock).
     */
    public long slotLocation(final int key)
    {
        final long slot = index.get(key);
        if (slot == 0)
        {
            return -1;
        }
        int i = java.util.Arrays.binarySearch(slabBases, slot);
        if (i < 0)
        {
            i = -i - 2;
        }
        final Slab slab = slabsByBase[i];
        return ((long)slab.id() << 32) | (slot - slab.address());
    }

    /** Who hears of updates to replicas; set once, before any worker runs. */
    public void replicaUpdates(final ReplicaUpdates listener)
    {
        this.replicaUpdates = listener == null ? ReplicaUpdates.NONE : listener;
    }

    public boolean isLocal(final int key)
    {
        return index.get(key) != 0;
    }

    /**
     * Takes a free slot for {@code key}, writes {@code values[offset, offset + length(key))} (or zeros if
     * {@code values} is null) with the given state, and publishes it.
     *
     * @throws IllegalStateException if the key is already held here
     * @throws StoreFullException    if no slot of the key's length is free
     */
    public void insert(final int key, final int state, final float[] values, final int offset)
    {
        checkOpen();
        final int length = layout.length(key);
        final SlotClass slotClass = classes.get(length);
        if (index.get(key) != 0)
        {
            throw new IllegalStateException("key " + key + " is already held by this store");
        }
        final long slot = slotClass.allocate();
        if (slot == 0)
        {
            throw new StoreFullException("parameter store full: all " + slotClass.capacity() + " slots for value " +
                "length " + length + " are in use (inserting key " + key + "); raise the store capacity " +
                "factor (--store-capacity, now " + capacityFactorOf(slotClass) + ")");
        }
        final long version = lock(slot, key);
        UnsafeApi.putInt(slot + KEY_OFFSET, key);
        UnsafeApi.putInt(slot + STATE_OFFSET, state);
        if (values == null)
        {
            UnsafeApi.setMemory(slot + VALUES_OFFSET, 4L * length, (byte)0);
        }
        else
        {
            UnsafeApi.copyMemory(values, FLOAT_ARRAY_BASE + 4L * offset, null, slot + VALUES_OFFSET, 4L * length);
        }
        unlock(slot, version, key, state, length);
        index.publish(key, slot);
    }

    private String capacityFactorOf(final SlotClass slotClass)
    {
        final long keys = layout.keysPerLength().get(slotClass.valueLength());
        return String.format("%.3f", (double)slotClass.capacity() / keys);
    }

    /**
     * Removes {@code key}, copying its last value to {@code out[offset, ...)} (unless out is null), and
     * returns its slot to the free list. Returns false if the key was not held here.
     */
    public boolean remove(final int key, final float[] out, final int offset)
    {
        checkOpen();
        final int length = layout.length(key);
        final long slot = index.get(key);
        if (slot == 0)
        {
            return false;
        }
        final long version = lock(slot, key);
        if (!holds(slot, key))
        {
            abort(slot, version);
            return false;
        }
        if (UnsafeApi.getInt(slot + STATE_OFFSET) == STATE_REPLICA)
        {
            abort(slot, version);
            throw new IllegalStateException("key " + key + " is replicated: replicas are never removed or moved");
        }
        index.publish(key, 0);
        if (out != null)
        {
            UnsafeApi.copyMemory(null, slot + VALUES_OFFSET, out, FLOAT_ARRAY_BASE + 4L * offset, 4L * length);
        }
        UnsafeApi.putInt(slot + STATE_OFFSET, STATE_FREE);
        unlock(slot, version, key, STATE_FREE, length);
        classes.get(length).release(slot);
        return true;
    }

    /**
     * Copies {@code key}'s value to {@code out[offset, offset + length)} as one consistent snapshot.
     * Returns false (and copies nothing reliable) if the key is not held here.
     */
    public boolean read(final int key, final int length, final float[] out, final int offset)
    {
        int spins = 0;
        long stallStart = 0;
        while (true)
        {
            final long slot = index.get(key);
            if (slot == 0)
            {
                return false;
            }
            final long version = UnsafeApi.getLongAcquire(null, slot + VERSION_OFFSET);
            if ((version & 1) == 0 && holds(slot, key))
            {
                UnsafeApi.copyMemory(null, slot + VALUES_OFFSET, out, FLOAT_ARRAY_BASE + 4L * offset, 4L * length);
                UnsafeApi.loadFence();
                if (UnsafeApi.getLong(slot + VERSION_OFFSET) == version)
                {
                    return true;
                }
            }
            if ((++spins & (SPINS_BETWEEN_CLOCK_CHECKS - 1)) == 0)
            {
                stallStart = stall(stallStart, key);
            }
            Thread.onSpinWait();
        }
    }

    /** Adds {@code delta[offset, offset + length)} to {@code key}'s value. False if not held here. */
    public boolean add(final int key, final int length, final float[] delta, final int offset)
    {
        final int state = addAndGetState(key, length, delta, offset);
        if (state == STATE_REPLICA)
        {
            replicaUpdates.updated(key);
        }
        return state != STATE_FREE;
    }

    /**
     * Adds to a replica on behalf of replica synchronization itself, without reporting the key as updated
     * (the sum of all nodes' updates is not a new local update). False if not held here.
     */
    public boolean addSynchronized(final int key, final int length, final float[] delta, final int offset)
    {
        return addAndGetState(key, length, delta, offset) != STATE_FREE;
    }

    /** Adds and returns the slot's state, or STATE_FREE if the key is not held here. */
    private int addAndGetState(final int key, final int length, final float[] delta, final int offset)
    {
        final long slot = lockHeld(key);
        if (slot == 0)
        {
            return STATE_FREE;
        }
        final long version = UnsafeApi.getLong(slot + VERSION_OFFSET) - 1;
        final long values = slot + VALUES_OFFSET;
        for (int i = 0; i < length; i++)
        {
            final long address = values + 4L * i;
            UnsafeApi.putFloat(address, UnsafeApi.getFloat(address) + delta[offset + i]);
        }
        final int state = UnsafeApi.getInt(slot + STATE_OFFSET);
        unlock(slot, version, key, state, length);
        return state;
    }

    /** Overwrites {@code key}'s value with {@code values[offset, offset + length)}. False if not held here. */
    public boolean write(final int key, final int length, final float[] values, final int offset)
    {
        final long slot = lockHeld(key);
        if (slot == 0)
        {
            return false;
        }
        final long version = UnsafeApi.getLong(slot + VERSION_OFFSET) - 1;
        UnsafeApi.copyMemory(values, FLOAT_ARRAY_BASE + 4L * offset, null, slot + VALUES_OFFSET, 4L * length);
        final int state = UnsafeApi.getInt(slot + STATE_OFFSET);
        unlock(slot, version, key, state, length);
        if (state == STATE_REPLICA)
        {
            replicaUpdates.updated(key);
        }
        return true;
    }

    /** State of {@code key}'s slot ({@link SlotDescriptor#STATE_OWNED} etc.), or STATE_FREE if not held. */
    public int state(final int key)
    {
        final long slot = index.get(key);
        return slot == 0 ? STATE_FREE : UnsafeApi.getIntVolatile(null, slot + STATE_OFFSET);
    }

    /** Locks the slot of {@code key} if held here, returning its address (version now odd), else 0. */
    private long lockHeld(final int key)
    {
        while (true)
        {
            final long slot = index.get(key);
            if (slot == 0)
            {
                return 0;
            }
            final long version = lock(slot, key);
            if (holds(slot, key))
            {
                return slot;
            }
            abort(slot, version);
        }
    }

    private static boolean holds(final long slot, final int key)
    {
        return UnsafeApi.getInt(slot + KEY_OFFSET) == key && UnsafeApi.getInt(slot + STATE_OFFSET) != STATE_FREE;
    }

    /** Spins until this thread moves the slot's version from even v to v+1; returns v. */
    private long lock(final long slot, final int key)
    {
        int spins = 0;
        long stallStart = 0;
        while (true)
        {
            final long version = UnsafeApi.getLongVolatile(null, slot + VERSION_OFFSET);
            if ((version & 1) == 0 && UnsafeApi.compareAndSetLong(null, slot + VERSION_OFFSET, version, version + 1))
            {
                return version;
            }
            if ((++spins & (SPINS_BETWEEN_CLOCK_CHECKS - 1)) == 0)
            {
                stallStart = stall(stallStart, key);
            }
            Thread.onSpinWait();
        }
    }

    /** Publishes a write: checksum for version v+2, then the even version itself. */
    private static void unlock(final long slot, final long version, final int key, final int state, final int length)
    {
        final long next = version + 2;
        UnsafeApi.putLong(
            slot + CHECKSUM_OFFSET, SlotDescriptor.checksum(next, key, state, null, slot + VALUES_OFFSET, length));
        UnsafeApi.putLongRelease(null, slot + VERSION_OFFSET, next);
    }

    /** Releases a lock taken on a slot that turned out to hold another key; nothing was written. */
    private static void abort(final long slot, final long version)
    {
        UnsafeApi.putLongRelease(null, slot + VERSION_OFFSET, version);
    }

    /**
     * Called every {@link #SPINS_BETWEEN_CLOCK_CHECKS} failed spins: yields, and fails once a slot has
     * stayed locked implausibly long (a writer died mid-write). Returns the time the stall began.
     */
    private long stall(final long stallStart, final int key)
    {
        checkOpen();
        final long now = System.nanoTime();
        if (stallStart == 0)
        {
            return now;
        }
        if (now - stallStart > STUCK_SLOT_NANOS)
        {
            throw new IllegalStateException("slot of key " + key + " has been locked for writing for over " +
                TimeUnit.NANOSECONDS.toSeconds(STUCK_SLOT_NANOS) + " s: a writer died mid-write");
        }
        Thread.yield();
        return stallStart;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("parameter store is closed");
        }
    }

    /** Bytes of all slabs plus the slot index. */
    public long reservedBytes()
    {
        long total = index.bytes();
        for (final Slab slab : slabs)
        {
            total += slab.length();
        }
        return total;
    }

    /** Slots in use over all value lengths. */
    public long usedSlots()
    {
        long total = 0;
        for (final SlotClass slotClass : classes.values())
        {
            total += slotClass.used();
        }
        return total;
    }

    /** Free slots over all value lengths. */
    public long freeSlots()
    {
        long total = 0;
        for (final SlotClass slotClass : classes.values())
        {
            total += slotClass.capacity() - slotClass.used();
        }
        return total;
    }

    /** One line per value length: slots used/capacity, slot size, slab bytes. */
    public String memoryReport()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("store: %,d bytes reserved (%d slabs + %,d-byte index)%n",
            reservedBytes(), slabs.size(), index.bytes()));
        for (final SlotClass c : classes.values())
        {
            sb.append(String.format("  length %6d floats: %,d of %,d slots used, %d bytes per slot%n",
                c.valueLength(), c.used(), c.capacity(), c.slotLength()));
        }
        return sb.toString();
    }

    /** Frees all slabs and the index. Callers must have stopped every access first. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        classes.values().forEach(SlotClass::closeSlabs);
        index.close();
    }
}
