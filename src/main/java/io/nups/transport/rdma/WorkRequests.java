package io.nups.transport.rdma;

/**
 * Work request ids: what was posted, on which connection, and which buffer or staging chunk, so that a completion
 * (whose opcode is not valid on error) is dispatched by its id alone.
 *
 * <pre>
 * bits 62-63 kind   RECV, SEND, PIECE (one chunk of a one-sided operation), CONFIRM (the READ after a WRITE)
 * bits 32-47 connection index
 * bits  0-31 receive/send buffer index, or staging chunk index
 * </pre>
 */
final class WorkRequests
{
    static final int RECV = 0;
    static final int SEND = 1;
    static final int PIECE = 2;
    static final int CONFIRM = 3;

    private WorkRequests()
    {
    }

    static long id(final int kind, final int connection, final int index)
    {
        return ((long)kind << 62) | ((long)(connection & 0xFFFF) << 32) | (index & 0xFFFF_FFFFL);
    }

    static int kind(final long id)
    {
        return (int)(id >>> 62);
    }

    static int connection(final long id)
    {
        return (int)(id >>> 32) & 0xFFFF;
    }

    static int index(final long id)
    {
        return (int)id;
    }

    /** The verb of a kind, for messages ("SEND", "RDMA READ"...). */
    static String verb(final int kind, final boolean write)
    {
        return switch (kind)
        {
            case RECV -> "RECV";
            case SEND -> "SEND";
            case PIECE -> write ? "WRITE" : "READ";
            default -> "READ";
        };
    }
}
