package io.nups.manage;

/**
 * Layout of a replica-synchronization frame ({@link PsMessageDescriptor#SYNC}), carried as a transport
 * message payload: one fragment of the sparse vector a node sends a peer in one step of one all-reduce round
 * (see {@link SparseAllReduce}). Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------+-+-+-+-------------------------------+
 *  |  Type (SYNC)  |Reserved |U|L|S|    Sender node (short)        |  0
 *  +---------------+---------+-+-+-+-------------------------------+
 *  |          Fragment index within this step's payload (int)      |  4
 *  +---------------------------------------------------------------+
 *  |                         Round (long)                          |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Step in the round (int)                   | 16
 *  +---------------------------------------------------------------+
 *  |                      Entry count (int)                        | 20
 *  +---------------------------------------------------------------+
 *  |  Entries, each:  key (int) | values                         ... 24
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The type sits where {@link PsMessageDescriptor#TYPE_OFFSET} says, so the node's receiver routes a frame by
 * its first byte. Flags: S ({@link #STOP_FLAG}) the sender's agent asks every node to stop after this
 * round; U ({@link #SETUP_FLAG}) the sender is in its setup phase, so the round's sum is applied unscaled
 * everywhere; L ({@link #LAST_FLAG}) this is the last fragment of the step's payload (an empty payload is one
 * empty frame with L set). Fragments of one step are numbered from 0 and their keys increase strictly
 * across all of them. An entry is the key followed by {@code float32} times the key's value length.
 */
final class SyncMessageDescriptor
{
    static final int TYPE_OFFSET = PsMessageDescriptor.TYPE_OFFSET;
    static final int FLAGS_OFFSET = 1;
    static final int SENDER_OFFSET = 2;
    static final int FRAGMENT_OFFSET = 4;
    static final int ROUND_OFFSET = 8;
    static final int STEP_OFFSET = 16;
    static final int COUNT_OFFSET = 20;
    static final int HEADER_LENGTH = 24;

    static final int ENTRY_KEY_OFFSET = 0;
    static final int ENTRY_VALUES_OFFSET = 4;

    static final byte STOP_FLAG = 1;
    static final byte LAST_FLAG = 2;
    static final byte SETUP_FLAG = 4;
    /** Flags that are a node's votes for the round, ORed over all nodes. */
    static final byte VOTE_FLAGS = STOP_FLAG | SETUP_FLAG;
    static final byte KNOWN_FLAGS = VOTE_FLAGS | LAST_FLAG;

    private SyncMessageDescriptor()
    {
    }

    /** Bytes of an entry with {@code valueLength} floats. */
    static int entryLength(final int valueLength)
    {
        return ENTRY_VALUES_OFFSET + Float.BYTES * valueLength;
    }
}
