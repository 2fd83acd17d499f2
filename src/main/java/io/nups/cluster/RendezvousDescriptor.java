package io.nups.cluster;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Layout of the rendezvous frames. All integers little-endian; strings are an unsigned short byte count
 * followed by UTF-8.
 *
 * <pre>
 *  Frame header
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     Magic ("NUPR")                            |  0
 *  +-------------------------------+-------------------------------+
 *  |           Version             |             Type              |  4
 *  +-------------------------------+-------------------------------+
 *  |                  Body length (header excluded)                |  8
 *  +---------------------------------------------------------------+
 *  |                            Body                              ...  12
 *
 *  HELLO body (node to coordinator): rank (int) | nodes (int) | data port (int) | data host | host id
 *  TABLE body (coordinator to node): run id | nodes (int) | per rank: data port (int) | data host | host id
 *  ERROR body (coordinator to node): message; the rendezvous failed
 * </pre>
 *
 * The magic comes first, so that a stray client (a port scanner, an HTTP request) is told apart at once;
 * a receiver checks the body length against the limit of the frame's type before it allocates the body.
 */
final class RendezvousDescriptor
{
    static final int MAGIC = 0x5250554E; // "NUPR" as little-endian bytes
    static final short VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 6;
    static final int BODY_LENGTH_OFFSET = 8;
    static final int HEADER_LENGTH = 12;

    static final short TYPE_HELLO = 1;
    static final short TYPE_TABLE = 2;
    static final short TYPE_ERROR = 3;

    /** Longest host name, host id or run id; a DNS name has at most 253 bytes. */
    static final int MAX_STRING_BYTES = 1024;
    /** Longest error message; longer ones are cut. */
    static final int MAX_MESSAGE_BYTES = 8192;
    /** Largest cluster the rendezvous serves; bounds the table a node accepts. */
    static final int MAX_NODES = 1 << 16;

    static final int STRING_LENGTH_BYTES = 2;
    static final int MAX_MEMBER_LENGTH = 4 + 2 * (STRING_LENGTH_BYTES + MAX_STRING_BYTES);
    static final int MAX_HELLO_BODY = 8 + MAX_MEMBER_LENGTH;
    static final int MAX_ERROR_BODY = STRING_LENGTH_BYTES + MAX_MESSAGE_BYTES;

    private RendezvousDescriptor()
    {
    }

    static ByteBuffer allocateHeader()
    {
        return ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Largest body of a frame of {@code type} in a cluster of {@code nodes}. */
    static long maxBody(final short type, final int nodes)
    {
        return switch (type)
        {
            case TYPE_HELLO -> MAX_HELLO_BODY;
            case TYPE_TABLE -> STRING_LENGTH_BYTES + MAX_STRING_BYTES + 4 + (long)nodes * MAX_MEMBER_LENGTH;
            case TYPE_ERROR -> MAX_ERROR_BODY;
            default -> -1;
        };
    }

    /**
     * Checks a received header (12 bytes from index 0): magic, version, a type among {@code accepted} and
     * a body length within that type's limit for a cluster of {@code nodes}. Returns what is wrong, or null.
     */
    static String checkHeader(final ByteBuffer header, final int nodes, final short... accepted)
    {
        final int magic = header.getInt(MAGIC_OFFSET);
        if (magic != MAGIC)
        {
            return "not a nups rendezvous frame (it starts with " + printable(header) + ")";
        }
        final short version = header.getShort(VERSION_OFFSET);
        if (version != VERSION)
        {
            return "rendezvous protocol version " + version + ", expected " + VERSION;
        }
        final short type = header.getShort(TYPE_OFFSET);
        boolean known = false;
        for (final short expected : accepted)
        {
            known |= type == expected;
        }
        if (!known)
        {
            return "unexpected " + typeName(type) + " frame";
        }
        final int bodyLength = header.getInt(BODY_LENGTH_OFFSET);
        final long maxBody = maxBody(type, nodes);
        if (bodyLength < 0 || bodyLength > maxBody)
        {
            return typeName(type) + " frame of " + bodyLength + " body bytes, limit " + maxBody;
        }
        return null;
    }

    static boolean isVersionMismatch(final ByteBuffer header)
    {
        return header.getInt(MAGIC_OFFSET) == MAGIC && header.getShort(VERSION_OFFSET) != VERSION;
    }

    static String typeName(final int type)
    {
        return switch (type)
        {
            case TYPE_HELLO -> "HELLO";
            case TYPE_TABLE -> "TABLE";
            case TYPE_ERROR -> "ERROR";
            default -> "unknown type " + type;
        };
    }

    /** The first four bytes, as text where printable (e.g. 'GET '), else in hex. */
    private static String printable(final ByteBuffer header)
    {
        final StringBuilder text = new StringBuilder("'");
        for (int i = 0; i < 4; i++)
        {
            final int b = header.get(MAGIC_OFFSET + i) & 0xFF;
            if (b < 0x20 || b > 0x7E)
            {
                return String.format("0x%08x", Integer.reverseBytes(header.getInt(MAGIC_OFFSET)));
            }
            text.append((char)b);
        }
        return text.append('\'').toString();
    }
}
