package io.nups.manage;

import io.nups.store.KeyLayout;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Read-only view of a parameter-server message for tests outside this package (protocol taps), built on
 * {@link PsMessageDescriptor} and {@link SyncMessageDescriptor} themselves so that a change of the wire layout
 * cannot leave a test parsing an old one.
 */
public final class PsMessageView
{
    /** Message kinds a tap distinguishes. */
    public enum Kind
    {
        PULL_REQUEST, PULL_RESPONSE, PUSH_REQUEST, SET_REQUEST, UPDATE_RESPONSE, LOCALIZE, HAND_OVER, TRANSFER, SYNC,
        OTHER
    }

    private PsMessageView()
    {
    }

    public static Kind kind(final DirectBuffer buffer, final int offset)
    {
        return switch (buffer.getByte(offset + PsMessageDescriptor.TYPE_OFFSET))
        {
            case PsMessageDescriptor.PULL_REQUEST -> Kind.PULL_REQUEST;
            case PsMessageDescriptor.PULL_RESPONSE -> Kind.PULL_RESPONSE;
            case PsMessageDescriptor.PUSH_REQUEST -> Kind.PUSH_REQUEST;
            case PsMessageDescriptor.SET_REQUEST -> Kind.SET_REQUEST;
            case PsMessageDescriptor.UPDATE_RESPONSE -> Kind.UPDATE_RESPONSE;
            case PsMessageDescriptor.LOCALIZE -> Kind.LOCALIZE;
            case PsMessageDescriptor.HAND_OVER -> Kind.HAND_OVER;
            case PsMessageDescriptor.TRANSFER -> Kind.TRANSFER;
            case PsMessageDescriptor.SYNC -> Kind.SYNC;
            default -> Kind.OTHER;
        };
    }

    /** The original requester named in the header (not for SYNC frames). */
    public static int origin(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + PsMessageDescriptor.ORIGIN_NODE_OFFSET);
    }

    /** The keys of the message's entries, in order; none for messages without key entries. */
    public static List<Integer> keys(final DirectBuffer buffer, final int offset, final int length,
        final KeyLayout layout)
    {
        final Kind kind = kind(buffer, offset);
        if (kind == Kind.SYNC)
        {
            return syncKeys(buffer, offset, length, layout);
        }
        final List<Integer> keys = new ArrayList<>();
        if (kind == Kind.OTHER || kind == Kind.UPDATE_RESPONSE || length < PsMessageDescriptor.HEADER_LENGTH)
        {
            return keys;
        }
        final int fixed = kind == Kind.PULL_RESPONSE ?
            PsMessageDescriptor.PULLED_VALUES_OFFSET : PsMessageDescriptor.ENTRY_VALUES_OFFSET;
        final boolean values = PsMessageDescriptor.carriesValues(buffer.getByte(offset));
        final int count = buffer.getInt(offset + PsMessageDescriptor.COUNT_OFFSET);
        int at = offset + PsMessageDescriptor.HEADER_LENGTH;
        for (int i = 0; i < count && at + fixed <= offset + length; i++)
        {
            final int key = buffer.getInt(at + PsMessageDescriptor.ENTRY_KEY_OFFSET);
            layout.checkKey(key);
            keys.add(key);
            at += fixed + (values ? 4 * layout.length(key) : 0);
        }
        return keys;
    }

    private static List<Integer> syncKeys(final DirectBuffer buffer, final int offset, final int length,
        final KeyLayout layout)
    {
        final List<Integer> keys = new ArrayList<>();
        if (length < SyncMessageDescriptor.HEADER_LENGTH)
        {
            return keys;
        }
        final int count = buffer.getInt(offset + SyncMessageDescriptor.COUNT_OFFSET);
        int at = offset + SyncMessageDescriptor.HEADER_LENGTH;
        for (int i = 0; i < count && at + SyncMessageDescriptor.ENTRY_VALUES_OFFSET <= offset + length; i++)
        {
            final int key = buffer.getInt(at + SyncMessageDescriptor.ENTRY_KEY_OFFSET);
            layout.checkKey(key);
            keys.add(key);
            at += SyncMessageDescriptor.entryLength(layout.length(key));
        }
        return keys;
    }

    /** The all-reduce round a SYNC frame belongs to. */
    public static long syncRound(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SyncMessageDescriptor.ROUND_OFFSET);
    }

    /** The index of a SYNC frame among the fragments of its step's payload (0 for an unfragmented one). */
    public static int syncFragment(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + SyncMessageDescriptor.FRAGMENT_OFFSET);
    }

    /** True if a SYNC frame is the last fragment of its step's payload. */
    public static boolean syncLastFragment(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + SyncMessageDescriptor.FLAGS_OFFSET) & SyncMessageDescriptor.LAST_FLAG) != 0;
    }

    /** True if a SYNC frame carries a setup-phase vote (the round is applied unscaled everywhere). */
    public static boolean syncVotesSetup(final DirectBuffer buffer, final int offset)
    {
        return (buffer.getByte(offset + SyncMessageDescriptor.FLAGS_OFFSET) & SyncMessageDescriptor.SETUP_FLAG) != 0;
    }
}
