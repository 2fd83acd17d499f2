package io.nups.manage;

import io.nups.transport.RegionDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import static io.nups.manage.PsMessageDescriptor.COUNT_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ENTRY_KEY_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ENTRY_POSITION_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ENTRY_VALUES_OFFSET;
import static io.nups.manage.PsMessageDescriptor.HANDLE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.HEADER_LENGTH;
import static io.nups.manage.PsMessageDescriptor.ORIGIN_NODE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.ORIGIN_WORKER_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULLED_REGION_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULLED_SLOT_OFFSET;
import static io.nups.manage.PsMessageDescriptor.PULLED_VALUES_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_BASE_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_ENTRY_LENGTH;
import static io.nups.manage.PsMessageDescriptor.REGION_ID_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_LENGTH_OFFSET;
import static io.nups.manage.PsMessageDescriptor.REGION_REMOTE_KEY_OFFSET;
import static io.nups.manage.PsMessageDescriptor.SENDER_OFFSET;
import static io.nups.manage.PsMessageDescriptor.TYPE_OFFSET;

/**
 * Builds one parameter-server message to one node (see {@link PsMessageDescriptor}) entry by entry and
 * sends it, split into several messages where it would exceed the transport's limit. The buffer is kept
 * and reused, so a batch allocates only while it grows to its largest message. One thread at a time.
 */
final class MessageBatch
{
    /** Where finished messages go. */
    @FunctionalInterface
    interface Sender
    {
        void send(int destination, DirectBuffer buffer, int offset, int length);
    }

    private final Sender sender;
    private final short senderRank;
    private final int maxLength;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private int destination = -1;
    private byte type;
    private int length;
    private int count;

    /** @param senderRank this node, written into every message as its sender */
    MessageBatch(final Sender sender, final int senderRank, final int maxLength)
    {
        if (senderRank < 0 || senderRank > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("node rank " + senderRank + " does not fit the message header");
        }
        this.sender = sender;
        this.senderRank = (short)senderRank;
        this.maxLength = maxLength;
    }

    boolean isOpen()
    {
        return destination >= 0;
    }

    /** True if a message of {@code type} is being built. */
    boolean isOpen(final byte type)
    {
        return destination >= 0 && this.type == type;
    }

    /** Starts a message; a batch left open must be {@link #send() sent} first. */
    MessageBatch begin(final int destination, final byte type, final int originNode, final int originWorker,
        final long handle)
    {
        if (isOpen())
        {
            throw new IllegalStateException("message to node " + this.destination + " was not sent");
        }
        this.destination = destination;
        this.type = type;
        buffer.putByte(TYPE_OFFSET, type);
        buffer.putByte(TYPE_OFFSET + 1, (byte)0);
        buffer.putShort(SENDER_OFFSET, senderRank);
        buffer.putInt(ORIGIN_NODE_OFFSET, originNode);
        buffer.putInt(ORIGIN_WORKER_OFFSET, originWorker);
        buffer.putLong(HANDLE_OFFSET, handle);
        length = HEADER_LENGTH;
        count = 0;
        return this;
    }

    /** Adds an entry without values. */
    void add(final int key, final int position)
    {
        room(ENTRY_VALUES_OFFSET);
        putEntry(key, position);
        length += ENTRY_VALUES_OFFSET;
    }

    /** Adds an entry with {@code values[offset, offset + valueLength)}. */
    void add(final int key, final int position, final float[] values, final int offset, final int valueLength)
    {
        final int entryLength = ENTRY_VALUES_OFFSET + 4 * valueLength;
        room(entryLength);
        putEntry(key, position);
        putValues(length + ENTRY_VALUES_OFFSET, values, offset, valueLength);
        length += entryLength;
    }

    /** Adds a PULL_RESPONSE entry: the values and where the key's slot lies at this node. */
    void addPulled(final int key, final int position, final int region, final int slotOffset, final float[] values,
        final int offset, final int valueLength)
    {
        final int entryLength = PULLED_VALUES_OFFSET + 4 * valueLength;
        room(entryLength);
        putEntry(key, position);
        buffer.putInt(length + PULLED_REGION_OFFSET, region);
        buffer.putInt(length + PULLED_SLOT_OFFSET, slotOffset);
        putValues(length + PULLED_VALUES_OFFSET, values, offset, valueLength);
        length += entryLength;
    }

    /** Adds a REGIONS entry. */
    void addRegion(final RegionDescriptor region)
    {
        room(REGION_ENTRY_LENGTH);
        buffer.putInt(length + REGION_ID_OFFSET, region.regionId());
        buffer.putInt(length + REGION_LENGTH_OFFSET, region.length());
        buffer.putLong(length + REGION_BASE_OFFSET, region.base());
        buffer.putInt(length + REGION_REMOTE_KEY_OFFSET, region.remoteKey());
        buffer.putInt(length + REGION_REMOTE_KEY_OFFSET + 4, 0);
        count++;
        length += REGION_ENTRY_LENGTH;
    }

    private void putValues(final int from, final float[] values, final int offset, final int valueLength)
    {
        int at = from;
        for (int i = 0; i < valueLength; i++, at += 4)
        {
            buffer.putFloat(at, values[offset + i]);
        }
    }

    /** Sends the message as a count only (no entries), e.g. an UPDATE_RESPONSE or a barrier message. */
    void sendCount(final int value)
    {
        buffer.putInt(COUNT_OFFSET, value);
        sender.send(destination, buffer, 0, HEADER_LENGTH);
        destination = -1;
    }

    /** Sends what was added, if anything, and closes the batch. */
    void send()
    {
        if (count > 0)
        {
            flush();
        }
        destination = -1;
    }

    /** Drops what was added without sending it (the operation building it failed). */
    void abandon()
    {
        destination = -1;
    }

    private void putEntry(final int key, final int position)
    {
        buffer.putInt(length + ENTRY_KEY_OFFSET, key);
        buffer.putInt(length + ENTRY_POSITION_OFFSET, position);
        count++;
    }

    private void room(final int entryLength)
    {
        if (HEADER_LENGTH + entryLength > maxLength)
        {
            throw new IllegalArgumentException("an entry of " + entryLength + " bytes does not fit a message of at " +
                "most " + maxLength + " bytes: raise the transport's frame limit");
        }
        if (length + entryLength > maxLength)
        {
            flush();
        }
    }

    private void flush()
    {
        buffer.putInt(COUNT_OFFSET, count);
        sender.send(destination, buffer, 0, length);
        length = HEADER_LENGTH;
        count = 0;
    }
}
