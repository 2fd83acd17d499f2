package io.nups.transport;

import org.agrona.BitUtil;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Files of the shared-memory transport, all in one run directory (e.g. {@code /dev/shm/nups-<run>}):
 * {@code r<rank>-<region>.slab} (the node's slabs, written by the store), {@code r<rank>.ring} (the
 * node's inbound message ring, an Agrona many-to-one ring buffer that every peer writes into),
 * {@code r<rank>.bell} (the UNIX-domain socket of the node's doorbell, see {@link ShmBell}) and
 * {@code r<rank>.ctl}, laid out as:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Magic (int)                           |  0
 *  +---------------------------------------------------------------+
 *  |                    Protocol version (int)                     |  4
 *  +---------------------------------------------------------------+
 *  |                       Process id (long)                       |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             Heartbeat, epoch milliseconds (long)              | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |      State (int): 0 starting, 1 ready, 2 left on purpose      | 24
 *  +---------------------------------------------------------------+
 *  |                       Nodes in run (int)                      | 28
 *  +---------------------------------------------------------------+
 *  |                  Padding to byte 128 (96 bytes)               | 32
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 *  |    Receiver sleeping (int): 1 asleep on its bell, 0 awake     | 128
 *  +---------------------------------------------------------------+
 *  |                 Padding to the end (3964 bytes)               | 132
 *  |                              ...                              |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * A node is ready once its ring, slabs and bell exist; it refreshes its heartbeat from its receiver thread.
 * A peer whose heartbeat is older than the liveness timeout, or whose process is gone, without having
 * left on purpose, is lost. The sleeping word is written by the receiver and compare-and-set by every
 * sender, so it sits alone 128 bytes in (two cache lines: adjacent-line prefetch pairs them) to keep
 * those writes off the lines peers poll for heartbeats.
 */
final class ShmControlDescriptor
{
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int PID_OFFSET = 8;
    static final int HEARTBEAT_OFFSET = 16;
    static final int STATE_OFFSET = 24;
    static final int NODES_OFFSET = 28;
    static final int SLEEPING_OFFSET = 2 * BitUtil.CACHE_LINE_LENGTH;
    static final int LENGTH = 4096;

    static final int MAGIC = 0x4E555053; // "NUPS"
    /** 2: the sleeping word and the {@code .bell} socket (a version-1 node would never ring). */
    static final int PROTOCOL_VERSION = 2;

    static final int STATE_STARTING = 0;
    static final int STATE_READY = 1;
    static final int STATE_LEFT = 2;

    static final int AWAKE = 0;
    static final int SLEEPING = 1;

    private ShmControlDescriptor()
    {
    }

    static String controlFile(final int rank)
    {
        return "r" + rank + ".ctl";
    }

    static String ringFile(final int rank)
    {
        return "r" + rank + ".ring";
    }

    static String bellFile(final int rank)
    {
        return "r" + rank + ".bell";
    }

    /** Prefix the store gives this node's slab files, so peers can find them by region id. */
    static String slabPrefix(final int rank)
    {
        return "r" + rank;
    }

    static String slabFile(final int rank, final int regionId)
    {
        return slabPrefix(rank) + "-" + regionId + ".slab";
    }

    static int ringFileLength(final int ringCapacity)
    {
        return ringCapacity + RingBufferDescriptor.TRAILER_LENGTH;
    }
}
