package io.nups.transport.rdma;

import java.nio.ByteOrder;

/**
 * Layout of one SEND (little-endian), which fills at most one receive buffer:
 *
 * <pre>
 * offset size field
 *      0    4 frame length (header included); must equal the receive's byte length
 *      4    1 type: HELLO, MESSAGE, CREDIT, BYE
 *      5    1 reserved
 *      6    2 credits: receives the sender reposted for the receiver since it last said so
 *      8    4 MESSAGE: length of the whole message this fragment belongs to
 *     12    4 reserved
 *     16      payload (MESSAGE: the fragment; HELLO: the fields below)
 * </pre>
 *
 * A message longer than one frame's payload goes in consecutive MESSAGE frames of the same message length; frames
 * of one peer arrive in order (one queue pair), so the receiver appends until the length is reached.
 */
final class RdmaFrame
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int LENGTH_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int CREDITS_OFFSET = 6;
    static final int MESSAGE_LENGTH_OFFSET = 8;
    static final int HEADER_LENGTH = 16;

    static final byte TYPE_HELLO = 1;
    static final byte TYPE_MESSAGE = 2;
    static final byte TYPE_CREDIT = 3;
    static final byte TYPE_BYE = 4;

    static final int HELLO_MAGIC_OFFSET = HEADER_LENGTH;
    static final int HELLO_RANK_OFFSET = HEADER_LENGTH + 4;
    static final int HELLO_NODES_OFFSET = HEADER_LENGTH + 8;
    static final int HELLO_VERSION_OFFSET = HEADER_LENGTH + 12;
    static final int HELLO_BUFFER_OFFSET = HEADER_LENGTH + 16;
    static final int HELLO_DEPTH_OFFSET = HEADER_LENGTH + 20;
    static final int HELLO_LENGTH = HEADER_LENGTH + 24;

    static final int HELLO_MAGIC = 0x4e555052; // "NUPR"
    static final int PROTOCOL_VERSION = 1;

    private RdmaFrame()
    {
    }
}
