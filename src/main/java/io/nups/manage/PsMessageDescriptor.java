package io.nups.manage;

/**
 * Layout of parameter-server messages, carried as transport message payloads. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |     Type      |   Reserved    |    Sender node (short)        |  0
 *  +---------------+---------------+-------------------------------+
 *  |            Origin node: the original requester (int)          |  4
 *  +---------------------------------------------------------------+
 *  |            Origin worker at the origin node (int)             |  8
 *  +---------------------------------------------------------------+
 *  |      Entry count (int); for UPDATE_RESPONSE: keys applied     | 12
 *  +---------------------------------------------------------------+
 *  |   Operation handle at the origin worker (long); for BARRIER   | 16
 *  |   and LEAVE messages the barrier epoch                        |
 *  +---------------------------------------------------------------+
 *  |  Entries, each:  key (int) | position (int) | values         ... 24
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The sender is the node that built this message (the origin for a worker's request; a forwarder or the
 * answering owner otherwise), so a requester learns who answered its pull.
 *
 * <p>An entry's position is where the key's values go in the origin worker's output array (pulls) and is
 * echoed back unchanged, which makes duplicate keys in one pull work. Values ({@code float32} times the
 * key's value length) are present in PUSH_REQUEST, SET_REQUEST and TRANSFER entries at
 * {@link #ENTRY_VALUES_OFFSET}. A forwarded request keeps its origin, so the key's owner answers the
 * original requester directly.
 *
 * <p>PULL_RESPONSE entries also say where the key's slot lies at the sender, so the requester can read it
 * one-sidedly next time:
 * <pre>
 *  | key (int) | position (int) | region (int) | slot offset (int) | values ...
 *     0           4                8              12                  16
 * </pre>
 * The region is the sender's slab id, or {@link #NO_REGION} if the value was not read from a slot (a
 * pull queued on a transfer is answered from the arriving value); the slot offset is bytes into that slab.
 *
 * <p>REGIONS (count = number of regions, origin = sender, origin worker = the sender's settings fingerprint, which
 * must equal the receiver's) carries the sender's registered slabs, each entry:
 * <pre>
 *  | region id (int) | length (int) | base address (long) | remote key (int) | reserved (int) |
 *     0                 4              8                     16                 20            24
 * </pre>
 */
final class PsMessageDescriptor
{
    static final int TYPE_OFFSET = 0;
    static final int SENDER_OFFSET = 2;
    static final int ORIGIN_NODE_OFFSET = 4;
    static final int ORIGIN_WORKER_OFFSET = 8;
    static final int COUNT_OFFSET = 12;
    static final int HANDLE_OFFSET = 16;
    static final int HEADER_LENGTH = 24;

    static final int ENTRY_KEY_OFFSET = 0;
    static final int ENTRY_POSITION_OFFSET = 4;
    static final int ENTRY_VALUES_OFFSET = 8;

    static final int PULLED_REGION_OFFSET = 8;
    static final int PULLED_SLOT_OFFSET = 12;
    static final int PULLED_VALUES_OFFSET = 16;
    /** PULL_RESPONSE region of a value that was not read from a slot. */
    static final int NO_REGION = -1;

    static final int REGION_ID_OFFSET = 0;
    static final int REGION_LENGTH_OFFSET = 4;
    static final int REGION_BASE_OFFSET = 8;
    static final int REGION_REMOTE_KEY_OFFSET = 16;
    static final int REGION_ENTRY_LENGTH = 24;

    /** Keys to read; answered by PULL_RESPONSE to the origin. */
    static final byte PULL_REQUEST = 1;
    /** Keys, positions and values for the origin worker's output. */
    static final byte PULL_RESPONSE = 2;
    /** Keys and deltas to add; answered by UPDATE_RESPONSE. */
    static final byte PUSH_REQUEST = 3;
    /** Keys and values to overwrite; answered by UPDATE_RESPONSE. */
    static final byte SET_REQUEST = 4;
    /** Count of keys applied for the origin's push or set. */
    static final byte UPDATE_RESPONSE = 5;
    /** Requester to manager: move these keys to the origin. */
    static final byte LOCALIZE = 6;
    /** Manager (or a requester that manages the keys) to owner: give these keys to the origin. */
    static final byte HAND_OVER = 7;
    /** Keys and values moving to the origin, which now owns them. */
    static final byte TRANSFER = 8;
    /** A node's workers all reached barrier epoch (handle); to node 0. */
    static final byte BARRIER_ARRIVE = 9;
    /** Node 0 to all: every node reached barrier epoch (handle). */
    static final byte BARRIER_RELEASE = 10;
    /** A node's registered slabs, sent to every peer once at start. */
    static final byte REGIONS = 11;
    /** Replica synchronization round data; routed to the replica agent, layout in SyncMessageDescriptor. */
    static final byte SYNC = 12;

    private PsMessageDescriptor()
    {
    }

    static boolean carriesValues(final byte type)
    {
        return type == PULL_RESPONSE || type == PUSH_REQUEST || type == SET_REQUEST || type == TRANSFER;
    }

    static String typeName(final int type)
    {
        return switch (type)
        {
            case PULL_REQUEST -> "PULL_REQUEST";
            case PULL_RESPONSE -> "PULL_RESPONSE";
            case PUSH_REQUEST -> "PUSH_REQUEST";
            case SET_REQUEST -> "SET_REQUEST";
            case UPDATE_RESPONSE -> "UPDATE_RESPONSE";
            case LOCALIZE -> "LOCALIZE";
            case HAND_OVER -> "HAND_OVER";
            case TRANSFER -> "TRANSFER";
            case BARRIER_ARRIVE -> "BARRIER_ARRIVE";
            case BARRIER_RELEASE -> "BARRIER_RELEASE";
            case REGIONS -> "REGIONS";
            case SYNC -> "SYNC";
            default -> "unknown type " + type;
        };
    }
}
