package io.nups.apps.task;

/**
 * Layout of a model checkpoint file ({@code nups train --checkpoint DIR} writes {@code DIR/model.nupsckpt}):
 * every key's values in key order, optimizer state included (tasks keep it beside the parameters in the same
 * key), all numbers little-endian.
 *
 * <pre>
 *   0                   4                   8
 *  +-------------------+-------------------+
 *  |           magic "NUPSCKPT"            |   0
 *  +-------------------+-------------------+
 *  |      version      |     num keys      |   8
 *  +-------------------+-------------------+
 *  |   epochs trained  | task name length  |  16
 *  +-------------------+-------------------+
 *  | task name, UTF-8, padded to 4 bytes   |  24
 *  +---------------------------------------+
 *  | value length of each key, int32 x num keys
 *  +---------------------------------------+
 *  | values of each key in key order, float32
 *  +---------------------------------------+
 *  | CRC-32 of all bytes before, int64     |
 *  +---------------------------------------+
 * </pre>
 */
final class CheckpointDescriptor
{
    static final long MAGIC = 0x54504B435350554EL; // "NUPSCKPT" read as a little-endian long
    static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int NUM_KEYS_OFFSET = 12;
    static final int EPOCHS_OFFSET = 16;
    static final int NAME_LENGTH_OFFSET = 20;
    static final int NAME_OFFSET = 24;
    static final int MAX_NAME_BYTES = 256;
    static final int CRC_BYTES = Long.BYTES;
    static final String FILE_NAME = "model.nupsckpt";

    private CheckpointDescriptor()
    {
    }

    /** Offset of the value-length table, after the name padded to 4 bytes. */
    static int lengthsOffset(final int nameBytes)
    {
        return NAME_OFFSET + ((nameBytes + 3) & ~3);
    }
}
