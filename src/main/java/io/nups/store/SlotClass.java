package io.nups.store;

import org.agrona.UnsafeApi;

import java.util.List;
import java.util.function.IntFunction;

/**
 * The slots of one value length: their slabs, a bump pointer over never-used slots, and a free list of
 * returned ones threaded through the freed slots' value areas. Allocation is off the worker fast path
 * (start-up, relocation), so one monitor guards it.
 */
final class SlotClass
{
    private final int valueLength;
    private final int slotLength;
    private final long capacity;
    private final int slotsPerSlab;
    private final Slab[] slabs;
    private long neverUsed;
    private long freeHead;
    private long used;

    SlotClass(final int valueLength, final long capacity, final int maxSlabLength, final IntFunction<Slab> slabFactory)
    {
        this.valueLength = valueLength;
        this.slotLength = SlotDescriptor.slotLength(valueLength);
        this.capacity = capacity;
        this.slotsPerSlab = maxSlabLength / slotLength;
        if (slotsPerSlab == 0)
        {
            throw new IllegalArgumentException("a slot of " + valueLength + " floats (" + slotLength +
                " bytes) does not fit in a slab of " + maxSlabLength + " bytes");
        }
        final int slabCount = (int)((capacity + slotsPerSlab - 1) / slotsPerSlab);
        this.slabs = new Slab[slabCount];
        try
        {
            for (int i = 0; i < slabCount; i++)
            {
                final long slots = Math.min(slotsPerSlab, capacity - (long)i * slotsPerSlab);
                final long bytes = (slots * slotLength + Slab.ALIGNMENT - 1) & -Slab.ALIGNMENT;
                slabs[i] = slabFactory.apply((int)bytes);
            }
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            closeSlabs();
            throw ex;
        }
    }

    int valueLength()
    {
        return valueLength;
    }

    int slotLength()
    {
        return slotLength;
    }

    long capacity()
    {
        return capacity;
    }

    synchronized long used()
    {
        return used;
    }

    void addSlabsTo(final List<Slab> out)
    {
        out.addAll(List.of(slabs));
    }

    /** A free slot's address, or 0 when all {@link #capacity()} slots are in use. */
    synchronized long allocate()
    {
        final long address;
        if (freeHead != 0)
        {
            address = freeHead;
            freeHead = UnsafeApi.getLong(address + SlotDescriptor.VALUES_OFFSET);
        }
        else if (neverUsed < capacity)
        {
            final int slab = (int)(neverUsed / slotsPerSlab);
            address = slabs[slab].address() + (neverUsed % slotsPerSlab) * slotLength;
            neverUsed++;
        }
        else
        {
            return 0;
        }
        used++;
        return address;
    }

    /** Returns a slot whose state is already {@link SlotDescriptor#STATE_FREE}. */
    synchronized void release(final long address)
    {
        UnsafeApi.putLong(address + SlotDescriptor.VALUES_OFFSET, freeHead);
        freeHead = address;
        used--;
    }

    void closeSlabs()
    {
        for (final Slab slab : slabs)
        {
            if (slab != null)
            {
                slab.close();
            }
        }
    }
}
