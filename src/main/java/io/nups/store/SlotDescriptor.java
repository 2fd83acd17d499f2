package io.nups.store;

import org.agrona.UnsafeApi;

/**
 * Layout of one slot: the off-heap home of one locally held key.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Version (long)                         |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Checksum (long)                        |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Key (int)                            | 16
 *  +---------------------------------------------------------------+
 *  |                         State (int)                           | 20
 *  +---------------------------------------------------------------+
 *  |                   Values: float32[length]                    ... 24
 *  ...                                                             |
 *  +---------------------------------------------------------------+
 *  |            padding to a multiple of 64 bytes                  |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Version.</b> Even = stable, odd = a write is in progress. Writers serialize on it by CAS
 * (even v to v+1), write, store the checksum, and release v+2. The version never resets, not even when
 * the slot is freed and reused, so a reader holding a stale slot address always notices.
 *
 * <p><b>Checksum.</b> A local reader uses the version as a seqlock. A one-sided remote reader (RDMA READ,
 * shared-memory copy) copies the slot with no coordination and in no guaranteed order, so a version at
 * one or both ends cannot prove the copy is whole. The writer therefore stores a checksum over
 * (version, key, state, values); a copy is consistent iff its version is even and its checksum matches
 * {@link #checksum} recomputed over the copied bytes. A torn copy mixes words of two versions and fails
 * the check (see {@code SlotTornReadTest}).
 *
 * <p><b>State.</b> {@link #STATE_FREE} on the free list, {@link #STATE_OWNED} for a key this node owns,
 * {@link #STATE_REPLICA} for a replica of a replicated key.
 */
public final class SlotDescriptor
{
    public static final int VERSION_OFFSET = 0;
    public static final int CHECKSUM_OFFSET = 8;
    public static final int KEY_OFFSET = 16;
    public static final int STATE_OFFSET = 20;
    public static final int VALUES_OFFSET = 24;
    public static final int HEADER_LENGTH = VALUES_OFFSET;

    /** Slots start on a cache line so that hot neighbours written by different threads share none. */
    public static final int SLOT_ALIGNMENT = 64;

    public static final int STATE_FREE = 0;
    public static final int STATE_OWNED = 1;
    public static final int STATE_REPLICA = 2;

    private static final long MIX_A = 0x9E3779B97F4A7C15L;
    private static final long MIX_B = 0xC2B2AE3D27D4EB4FL;

    private SlotDescriptor()
    {
    }

    /** Bytes one slot occupies for a value of {@code valueLength} floats, padding included. */
    public static int slotLength(final int valueLength)
    {
        final long raw = HEADER_LENGTH + 4L * valueLength;
        final long aligned = (raw + SLOT_ALIGNMENT - 1) & -SLOT_ALIGNMENT;
        if (aligned > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("value length " + valueLength + " floats is too large for one slot");
        }
        return (int)aligned;
    }

    /**
     * Checksum over the version, key, state and {@code valueLength} floats at {@code valuesAddress} (relative to
     * {@code base}: a heap array, or null for off-heap). A Fletcher-style pair of sums over 64-bit words:
     * cheap enough for every write, sensitive to the position of each word, and the version and key are
     * mixed in so a copy with a stale header never validates.
     */
    public static long checksum(
        final long version,
        final int key,
        final int state,
        final Object base,
        final long valuesAddress,
        final int valueLength)
    {
        long s1 = version * MIX_A + (((long)state << 32) | (key & 0xFFFF_FFFFL));
        long s2 = 0;
        final int pairs = valueLength >>> 1;
        long address = valuesAddress;
        for (int i = 0; i < pairs; i++)
        {
            s1 += UnsafeApi.getLong(base, address);
            s2 += s1;
            address += 8;
        }
        if ((valueLength & 1) != 0)
        {
            s1 += UnsafeApi.getInt(base, address) & 0xFFFF_FFFFL;
            s2 += s1;
        }
        return (s1 ^ (s2 * MIX_B)) * MIX_A;
    }

    /**
     * True iff {@code copy[offset, offset + slotLength(valueLength))}, a slot copied without coordination,
     * holds one whole write of {@code expectedKey}.
     */
    public static boolean isConsistentCopy(
        final byte[] copy, final int offset, final int expectedKey, final int valueLength)
    {
        final long base = UnsafeApi.arrayBaseOffset(byte[].class) + offset;
        final int state = UnsafeApi.getInt(copy, base + STATE_OFFSET);
        return state != STATE_FREE && UnsafeApi.getInt(copy, base + KEY_OFFSET) == expectedKey &&
            isWhole(copy, base, expectedKey, state, valueLength);
    }

    /** {@link #classifyCopy}: one whole write of the expected key in the expected state. */
    public static final int COPY_CONSISTENT = 0;
    /** {@link #classifyCopy}: words of different writes (or a write in progress); copy again. */
    public static final int COPY_TORN = 1;
    /** {@link #classifyCopy}: the slot holds another key, is free, or is in another state: the key left. */
    public static final int COPY_MOVED = 2;

    /**
     * Classifies an uncoordinated copy of a slot in off-heap memory at {@code address}, taken to read
     * {@code expectedKey} in {@code expectedState}. Key and state are checked first: a slot showing another key
     * or state no longer holds the key as expected (a torn copy may also land here, which only costs a
     * fallback). Otherwise the copy is consistent iff its version is even and its checksum matches.
     */
    public static int classifyCopy(
        final long address, final int expectedKey, final int expectedState, final int valueLength)
    {
        if (UnsafeApi.getInt(null, address + KEY_OFFSET) != expectedKey ||
            UnsafeApi.getInt(null, address + STATE_OFFSET) != expectedState)
        {
            return COPY_MOVED;
        }
        return isWhole(null, address, expectedKey, expectedState, valueLength) ? COPY_CONSISTENT : COPY_TORN;
    }

    private static boolean isWhole(
        final Object base, final long address, final int key, final int state, final int valueLength)
    {
        final long version = UnsafeApi.getLong(base, address + VERSION_OFFSET);
        return (version & 1) == 0 && UnsafeApi.getLong(base, address + CHECKSUM_OFFSET) ==
            checksum(version, key, state, base, address + VALUES_OFFSET, valueLength);
    }
}
