package io.nups.cluster;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.nups.cluster.RendezvousDescriptor.*;

/**
 * Encodes and decodes the rendezvous frames of {@link RendezvousDescriptor}. Decoding fails with an
 * {@link IllegalArgumentException} saying what is malformed.
 */
final class RendezvousCodec
{
    /** A node's entry: where its data transport listens and its machine's host id. */
    record Member(String host, int port, String hostId)
    {
    }

    /** What a node tells the coordinator. */
    record Hello(int rank, int nodes, Member member)
    {
    }

    /** What the coordinator tells every node. */
    record Table(String runId, List<Member> members)
    {
    }

    private RendezvousCodec()
    {
    }

    /** A whole HELLO frame, ready to write. */
    static ByteBuffer encodeHello(final Hello hello)
    {
        final ByteBuffer body = body(8 + memberLength(hello.member()));
        body.putInt(hello.rank()).putInt(hello.nodes());
        putMember(body, hello.member());
        return frame(TYPE_HELLO, body);
    }

    static ByteBuffer encodeTable(final Table table)
    {
        int length = stringLength(table.runId()) + 4;
        for (final Member member : table.members())
        {
            length += memberLength(member);
        }
        final ByteBuffer body = body(length);
        putString(body, table.runId(), MAX_STRING_BYTES);
        body.putInt(table.members().size());
        for (final Member member : table.members())
        {
            putMember(body, member);
        }
        return frame(TYPE_TABLE, body);
    }

    /** An ERROR frame; a message too long for it is cut. */
    static ByteBuffer encodeError(final String message)
    {
        // a char takes at most 3 bytes of UTF-8 (a surrogate pair 4 for 2 chars), so this cut always fits
        final int maxChars = MAX_MESSAGE_BYTES / 3;
        final String text = message.length() > maxChars ? message.substring(0, maxChars) : message;
        final ByteBuffer body = body(stringLength(text));
        putString(body, text, MAX_MESSAGE_BYTES);
        return frame(TYPE_ERROR, body);
    }

    static Hello decodeHello(final ByteBuffer body)
    {
        try
        {
            final Hello hello = new Hello(body.getInt(), body.getInt(), getMember(body));
            checkConsumed(body, TYPE_HELLO);
            return hello;
        }
        catch (final BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("HELLO frame ends early");
        }
    }

    /** Decodes a TABLE, refusing one of more than {@code maxNodes} entries. */
    static Table decodeTable(final ByteBuffer body, final int maxNodes)
    {
        try
        {
            final String runId = getString(body, MAX_STRING_BYTES);
            final int count = body.getInt();
            if (count < 1 || count > maxNodes)
            {
                throw new IllegalArgumentException("TABLE frame of " + count + " nodes, expected 1 to " + maxNodes);
            }
            final List<Member> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                members.add(getMember(body));
            }
            checkConsumed(body, TYPE_TABLE);
            return new Table(runId, members);
        }
        catch (final BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("TABLE frame ends early");
        }
    }

    static String decodeError(final ByteBuffer body)
    {
        try
        {
            return getString(body, MAX_MESSAGE_BYTES);
        }
        catch (final BufferUnderflowException ex)
        {
            throw new IllegalArgumentException("ERROR frame ends early");
        }
    }

    private static ByteBuffer body(final int capacity)
    {
        final ByteBuffer body = ByteBuffer.allocate(HEADER_LENGTH + capacity).order(ByteOrder.LITTLE_ENDIAN);
        body.position(HEADER_LENGTH);
        return body;
    }

    private static ByteBuffer frame(final short type, final ByteBuffer buffer)
    {
        buffer.putInt(MAGIC_OFFSET, MAGIC)
            .putShort(VERSION_OFFSET, VERSION)
            .putShort(TYPE_OFFSET, type)
            .putInt(BODY_LENGTH_OFFSET, buffer.position() - HEADER_LENGTH);
        return buffer.flip();
    }

    private static void putMember(final ByteBuffer buffer, final Member member)
    {
        buffer.putInt(member.port());
        putString(buffer, member.host(), MAX_STRING_BYTES);
        putString(buffer, member.hostId(), MAX_STRING_BYTES);
    }

    private static Member getMember(final ByteBuffer buffer)
    {
        final int port = buffer.getInt();
        if (port < 0 || port > HostPort.MAX_PORT)
        {
            throw new IllegalArgumentException("port " + port + " is not in [0, " + HostPort.MAX_PORT + "]");
        }
        return new Member(getString(buffer, MAX_STRING_BYTES), port, getString(buffer, MAX_STRING_BYTES));
    }

    private static int memberLength(final Member member)
    {
        return 4 + stringLength(member.host()) + stringLength(member.hostId());
    }

    private static int stringLength(final String text)
    {
        return STRING_LENGTH_BYTES + text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void putString(final ByteBuffer buffer, final String text, final int maxBytes)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes)
        {
            throw new IllegalArgumentException(
                "'" + text + "' has " + bytes.length + " bytes of UTF-8, limit " + maxBytes);
        }
        buffer.putShort((short)bytes.length).put(bytes);
    }

    private static String getString(final ByteBuffer buffer, final int maxBytes)
    {
        final int length = buffer.getShort() & 0xFFFF;
        if (length > maxBytes)
        {
            throw new IllegalArgumentException("string of " + length + " bytes, limit " + maxBytes);
        }
        final byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void checkConsumed(final ByteBuffer body, final short type)
    {
        if (body.hasRemaining())
        {
            throw new IllegalArgumentException(
                typeName(type) + " frame has " + body.remaining() + " bytes after its end");
        }
    }
}
