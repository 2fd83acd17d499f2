package io.nups.manage;

/**
 * Layout of parameter-server messages, carried as transport message payloads. Little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |     Type      |   Reserved    |           Reserved            |  0
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
 * An entry's position is where the key's values go in the origin worker's output array (pulls) and is
 * echoed back unchanged, which makes duplicate keys in one pull work. Values ({@code float32} times the
 * key's value length) are present in PULL_RESPONSE, PUSH_REQUEST, SET_REQUEST and TRANSFER entries only.
 * A forwarded request keeps its origin, so the key's owner answers the original requester directly.
 */
final class PsMessageDescriptor
{
    static final int TYPE_OFFSET = 0;
    static final int ORIGIN_NODE_OFFSET = 4;
    static final int ORIGIN_WORKER_OFFSET = 8;
    static final int COUNT_OFFSET = 12;
    static final int HANDLE_OFFSET = 16;
    static final int HEADER_LENGTH = 24;

    static final int ENTRY_KEY_OFFSET = 0;
    static final int ENTRY_POSITION_OFFSET = 4;
    static final int ENTRY_VALUES_OFFSET = 8;

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
            default -> "unknown type " + type;
        };
    }
}
