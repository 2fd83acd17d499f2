package io.nups.transport;

/**
 * Layout of the frames of the TCP transport. All integers little-endian.
 *
 * <pre>
 *  Frame header (every frame)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Frame length (header included)               |  0
 *  +---------------+-----------------------------------------------+
 *  |     Type      |                   Reserved                    |  4
 *  +---------------+-----------------------------------------------+
 *  |                            Body                              ...  8
 *
 *  HELLO body:          magic (int) | rank (int) | nodes (int) | protocol version (int)
 *  MESSAGE body:        payload
 *  READ_REQUEST body:   request id (long) | region id (int) | length (int) | offset (long)
 *  READ_RESPONSE body:  request id (long) | status (int) | length (int) | data
 *  WRITE_REQUEST body:  request id (long) | region id (int) | length (int) | offset (long) | data
 *  WRITE_RESPONSE body: request id (long) | status (int) | reserved (int)
 *  BYE body:            empty; the peer is leaving on purpose, so its EOF is not a loss
 * </pre>
 *
 * A receiver checks the frame length against its limit before it reads the body.
 */
final class TcpFrameDescriptor
{
    static final int LENGTH_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int HEADER_LENGTH = 8;

    static final byte TYPE_HELLO = 1;
    static final byte TYPE_MESSAGE = 2;
    static final byte TYPE_READ_REQUEST = 3;
    static final byte TYPE_READ_RESPONSE = 4;
    static final byte TYPE_WRITE_REQUEST = 5;
    static final byte TYPE_WRITE_RESPONSE = 6;
    static final byte TYPE_BYE = 7;

    static final int HELLO_MAGIC_OFFSET = HEADER_LENGTH;
    static final int HELLO_RANK_OFFSET = HEADER_LENGTH + 4;
    static final int HELLO_NODES_OFFSET = HEADER_LENGTH + 8;
    static final int HELLO_VERSION_OFFSET = HEADER_LENGTH + 12;
    static final int HELLO_LENGTH = HEADER_LENGTH + 16;
    static final int HELLO_MAGIC = 0x4E555053; // "NUPS"
    static final int PROTOCOL_VERSION = 1;

    static final int REQUEST_ID_OFFSET = HEADER_LENGTH;
    static final int REGION_OFFSET = HEADER_LENGTH + 8;
    static final int STATUS_OFFSET = HEADER_LENGTH + 8;
    static final int DATA_LENGTH_OFFSET = HEADER_LENGTH + 12;
    static final int REMOTE_OFFSET_OFFSET = HEADER_LENGTH + 16;
    static final int REQUEST_DATA_OFFSET = HEADER_LENGTH + 24;
    static final int RESPONSE_DATA_OFFSET = HEADER_LENGTH + 16;

    static final int READ_REQUEST_LENGTH = REQUEST_DATA_OFFSET;
    static final int WRITE_RESPONSE_LENGTH = RESPONSE_DATA_OFFSET;

    static final int STATUS_OK = 0;
    static final int STATUS_BAD_REGION = 1;
    static final int STATUS_OUT_OF_BOUNDS = 2;

    private TcpFrameDescriptor()
    {
    }

    static String typeName(final int type)
    {
        return switch (type)
        {
            case TYPE_HELLO -> "HELLO";
            case TYPE_MESSAGE -> "MESSAGE";
            case TYPE_READ_REQUEST -> "READ_REQUEST";
            case TYPE_READ_RESPONSE -> "READ_RESPONSE";
            case TYPE_WRITE_REQUEST -> "WRITE_REQUEST";
            case TYPE_WRITE_RESPONSE -> "WRITE_RESPONSE";
            case TYPE_BYE -> "BYE";
            default -> "unknown type " + type;
        };
    }

    static String statusText(final int status)
    {
        return switch (status)
        {
            case STATUS_OK -> "ok";
            case STATUS_BAD_REGION -> "no such region";
            case STATUS_OUT_OF_BOUNDS -> "range outside the region";
            default -> "unknown status " + status;
        };
    }
}
