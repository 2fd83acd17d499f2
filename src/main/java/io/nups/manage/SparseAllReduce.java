package io.nups.manage;

import io.nups.store.KeyLayout;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.nups.manage.SyncMessageDescriptor.COUNT_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.ENTRY_KEY_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.ENTRY_VALUES_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.FLAGS_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.FRAGMENT_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.HEADER_LENGTH;
import static io.nups.manage.SyncMessageDescriptor.KNOWN_FLAGS;
import static io.nups.manage.SyncMessageDescriptor.LAST_FLAG;
import static io.nups.manage.SyncMessageDescriptor.ROUND_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.SENDER_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.STEP_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.VOTE_FLAGS;
import static io.nups.manage.SyncMessageDescriptor.TYPE_OFFSET;
import static io.nups.manage.SyncMessageDescriptor.entryLength;

/**
 * Sums sparse per-node vectors over all nodes, for any node count: every node contributes its vector in
 * round 0, 1, 2, ... and ends the round with the same sum, bitwise. Frames are laid out as in
 * {@link SyncMessageDescriptor}.
 *
 * <p>Recursive doubling with a fold for the remainder. Let {@code p} be the largest power of two
 * {@code <= nodes}, {@code r = nodes - p} and {@code k = log2(p)}. A round has steps {@code 0 .. k + 1},
 * which frames carry in their step field:
 * <pre>
 *  step 0        fold: among ranks below 2r, each even rank sends its vector to rank + 1 and sits out
 *                until step k + 1; each odd rank adds what it received and takes part with virtual rank
 *                rank / 2. Ranks from 2r up take part with virtual rank rank - r, so p nodes have virtual
 *                ranks 0 .. p - 1.
 *  step s        exchange (s = 1 .. k): each node taking part sends its aggregate so far to the node of
 *                virtual rank vrank XOR 2^(s-1), receives that node's and adds the two.
 *  step k + 1    unfold: each odd rank below 2r sends the result to rank - 1.
 * </pre>
 * With {@code r = 0} there is nothing to fold, and steps 0 and {@code k + 1} carry no frames. Every sum
 * puts the lower (virtual) rank's operand first, so both partners of an exchange compute the same floats in
 * the same order: after step {@code s} each group of {@code 2^s} nodes holds a bitwise-identical
 * aggregate, and after step {@code k} all do. (IEEE addition is commutative anyway; the fixed order keeps
 * that argument independent of it.)
 *
 * <p>The STOP votes travel with the vectors and are ORed the same way, so all nodes see them in the same
 * round. One node sends nothing. A payload longer than the transport's message limit goes in fragments; an
 * empty payload still goes as one empty frame, since the partner waits for it.
 *
 * <p>Threads: one caller runs {@link #reduce} round after round; transport threads call
 * {@link #onMessage}, which validates and copies a frame into the sending peer's inbox and never blocks.
 * A peer's frames arrive one at a time and in order (the transport is FIFO per peer pair), so a frame that
 * came early (its sender is a step or a round ahead) simply waits in that inbox. A bad frame is not
 * thrown at the transport; it stops this replica sync, and {@link #reduce} throws naming the peer.
 */
final class SparseAllReduce
{
    /** Where finished frames go (the node wires this to transport.send). */
    @FunctionalInterface
    interface Sender
    {
        void send(int destination, DirectBuffer buffer, int offset, int length);
    }

    private static final int NO_PEER = -1;
    private static final int SITS_OUT = -1;

    private final int rank;
    private final int nodes;
    private final KeyLayout layout;
    private final int maxMessageLength;
    private final Sender sender;
    private final long timeoutNanos;
    private final Supplier<String> failure;
    private final int remainder;
    private final int exchangeSteps;
    /** This node's rank among the power-of-two nodes that exchange, or SITS_OUT (an even rank below 2r). */
    private final int virtualRank;
    /** Per step, the peer this node receives from, or NO_PEER. */
    private final int[] sources;
    /** Per peer, its frames; null for a peer that never sends to this node. */
    private final Inbox[] inboxes;

    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(256);
    /** The reducing thread sleeps on it while it waits for a peer's frames; every arriving frame rings it. */
    private final Doorbell doorbell = new Doorbell();
    private final UnsafeBuffer received = new UnsafeBuffer(new byte[0]);
    private final SparseVector theirs;
    private final SparseVector spare;
    /** The round reduce() runs or runs next; frames of earlier rounds are stale. */
    private volatile long nextRound;
    private volatile String protocolError;
    /** Why an earlier reduce() failed part-way, after which the rounds of the nodes no longer line up. */
    private String broken;
    // Written by the caller thread only, read by metrics.
    private volatile long bytesSent;
    private volatile long framesSent;

    /**
     * @param maxMessageLength the transport's limit, which bounds a frame
     * @param timeoutNanos     how long to wait for a peer's frame before giving up
     * @param failure          null while the node is healthy, else why it is not; checked while waiting
     */
    SparseAllReduce(final int rank, final int nodes, final KeyLayout layout, final int maxMessageLength,
        final Sender sender, final long timeoutNanos, final Supplier<String> failure)
    {
        if (nodes < 1 || rank < 0 || rank >= nodes || rank > Short.MAX_VALUE)
        {
            throw new IllegalArgumentException("node " + rank + " of " + nodes + " nodes: the rank must be in [0, " +
                "nodes) and fit the SYNC header's short");
        }
        if (maxMessageLength < HEADER_LENGTH + entryLength(1))
        {
            throw new IllegalArgumentException("a message limit of " + maxMessageLength + " bytes cannot carry a " +
                "SYNC frame with one entry (" + (HEADER_LENGTH + entryLength(1)) + " bytes)");
        }
        if (timeoutNanos <= 0)
        {
            throw new IllegalArgumentException("the replica-sync wait timeout must be positive, got " + timeoutNanos +
                " ns");
        }
        this.rank = rank;
        this.nodes = nodes;
        this.layout = layout;
        this.maxMessageLength = maxMessageLength;
        this.sender = sender;
        this.timeoutNanos = timeoutNanos;
        this.failure = failure;
        final int powerOfTwo = Integer.highestOneBit(nodes);
        remainder = nodes - powerOfTwo;
        exchangeSteps = Integer.numberOfTrailingZeros(powerOfTwo);
        if (rank >= 2 * remainder)
        {
            virtualRank = rank - remainder;
        }
        else
        {
            virtualRank = (rank & 1) == 1 ? rank >> 1 : SITS_OUT;
        }
        sources = new int[exchangeSteps + 2];
        inboxes = new Inbox[nodes];
        theirs = new SparseVector(layout);
        spare = new SparseVector(layout);
        planSources();
    }

    /** Bytes this node sent so far. */
    long bytesSent()
    {
        return bytesSent;
    }

    /** Frames this node sent so far. */
    long framesSent()
    {
        return framesSent;
    }

    /**
     * Round {@code round} (0, 1, 2, ... consecutive, one caller thread): contributes {@code own}, fills
     * {@code sum} with the sum over all nodes of their contributions. {@code votes} are this node's vote flags
     * ({@link SyncMessageDescriptor#VOTE_FLAGS}: stop, setup); returns the OR of all nodes' votes, the same on
     * every node for the same round.
     * {@code own} is left as it is and must be another vector than {@code sum}; both follow this layout.
     * Throws IllegalArgumentException, before sending anything, for a misuse or an entry too long for a
     * message; IllegalStateException if the node failed, a peer sent a bad frame or stayed silent for the
     * timeout, and then again on every later call.
     */
    int reduce(final long round, final SparseVector own, final int votes, final SparseVector sum)
    {
        if (broken != null)
        {
            throw new IllegalStateException(broken);
        }
        checkHealthy();
        if (round != nextRound)
        {
            throw new IllegalArgumentException("replica-sync round " + round + " out of order: node " + rank +
                " runs round " + nextRound + " next");
        }
        if (own == sum)
        {
            throw new IllegalArgumentException("the sum must go to another vector than the contribution");
        }
        for (int i = 0; i < own.size(); i++)
        {
            checkFits(own.key(i), own.valueLength(i));
        }
        if ((votes & ~VOTE_FLAGS) != 0)
        {
            throw new IllegalArgumentException("unknown vote flags " + Integer.toBinaryString(votes));
        }
        final int allVotes;
        try
        {
            if (nodes == 1)
            {
                copy(own, sum);
                allVotes = votes;
            }
            else if (virtualRank == SITS_OUT)
            {
                send(round, 0, rank + 1, own, votes);
                allVotes = receive(round, exchangeSteps + 1, rank + 1, sum);
            }
            else
            {
                allVotes = takePart(round, own, votes, sum);
            }
        }
        catch (final RuntimeException ex)
        {
            broken = ex.getMessage();
            throw ex;
        }
        nextRound = round + 1;
        return allVotes;
    }

    /** Transport-thread callback for a SYNC message from {@code from}: validates and copies it; never blocks. */
    void onMessage(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        final String defect = defect(from, buffer, offset, length);
        if (defect != null)
        {
            reject(from, buffer, offset, length, defect);
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        inboxes[from].frames.offer(copy);
        doorbell.ring();
    }

    /** Fold (odd ranks below 2r), exchange steps and unfold of a node with a virtual rank. */
    private int takePart(final long round, final SparseVector own, final int votes, final SparseVector sum)
    {
        final boolean folds = rank < 2 * remainder;
        int mergesLeft = exchangeSteps + (folds ? 1 : 0);
        SparseVector aggregate = own;
        int allVotes = votes;
        if (folds)
        {
            allVotes |= receive(round, 0, rank - 1, theirs);
            final SparseVector target = target(--mergesLeft, sum);
            target.sumOf(theirs, aggregate);
            aggregate = target;
        }
        for (int step = 1; step <= exchangeSteps; step++)
        {
            final int partnerRank = virtualRank ^ (1 << (step - 1));
            final int partner = realRank(partnerRank);
            send(round, step, partner, aggregate, allVotes);
            allVotes |= receive(round, step, partner, theirs);
            final SparseVector target = target(--mergesLeft, sum);
            if (virtualRank < partnerRank)
            {
                target.sumOf(aggregate, theirs);
            }
            else
            {
                target.sumOf(theirs, aggregate);
            }
            aggregate = target;
        }
        if (folds)
        {
            send(round, exchangeSteps + 1, rank - 1, aggregate, allVotes);
        }
        return allVotes;
    }

    /**
     * Where a merge writes: the last one into {@code sum}, earlier ones alternating with the spare, so that
     * no merge writes into one of its operands and the result needs no final copy.
     */
    private SparseVector target(final int mergesLeft, final SparseVector sum)
    {
        return (mergesLeft & 1) == 0 ? sum : spare;
    }

    /** The node of virtual rank {@code virtual}. */
    private int realRank(final int virtual)
    {
        return virtual < remainder ? 2 * virtual + 1 : virtual + remainder;
    }

    private void planSources()
    {
        Arrays.fill(sources, NO_PEER);
        if (virtualRank == SITS_OUT)
        {
            sources[exchangeSteps + 1] = rank + 1;
        }
        else
        {
            if (rank < 2 * remainder)
            {
                sources[0] = rank - 1;
            }
            for (int step = 1; step <= exchangeSteps; step++)
            {
                sources[step] = realRank(virtualRank ^ (1 << (step - 1)));
            }
        }
        for (final int source : sources)
        {
            if (source != NO_PEER)
            {
                inboxes[source] = new Inbox();
            }
        }
    }

    /** Sends {@code vector} as one or more frames, the last flagged LAST. */
    private void send(final long round, final int step, final int destination, final SparseVector vector,
        final int votes)
    {
        final float[] values = vector.values();
        final int size = vector.size();
        int i = 0;
        int fragment = 0;
        do
        {
            final int first = i;
            int length = HEADER_LENGTH;
            while (i < size)
            {
                final int valueLength = vector.valueLength(i);
                final int entryLength = entryLength(valueLength);
                if (length + entryLength > maxMessageLength)
                {
                    if (i == first)
                    {
                        checkFits(vector.key(i), valueLength);
                    }
                    break;
                }
                frame.putInt(length + ENTRY_KEY_OFFSET, vector.key(i));
                for (int v = 0, at = length + ENTRY_VALUES_OFFSET, from = vector.valueOffset(i); v < valueLength;
                    v++, at += Float.BYTES)
                {
                    frame.putFloat(at, values[from + v]);
                }
                length += entryLength;
                i++;
            }
            frame.putByte(TYPE_OFFSET, PsMessageDescriptor.SYNC);
            frame.putByte(FLAGS_OFFSET, (byte)(votes | (i == size ? LAST_FLAG : 0)));
            frame.putShort(SENDER_OFFSET, (short)rank);
            frame.putInt(FRAGMENT_OFFSET, fragment++);
            frame.putLong(ROUND_OFFSET, round);
            frame.putInt(STEP_OFFSET, step);
            frame.putInt(COUNT_OFFSET, i - first);
            sender.send(destination, frame, 0, length);
            bytesSent += length;
            framesSent++;
        }
        while (i < size);
    }

    /** Waits for {@code peer}'s frames of this step, decodes them into {@code into}; returns their votes. */
    private int receive(final long round, final int step, final int peer, final SparseVector into)
    {
        final ManyToOneConcurrentLinkedQueue<byte[]> frames = inboxes[peer].frames;
        into.clear();
        int votes = 0;
        final BoundedIdle.Waiting nothingYet = frames::isEmpty;
        long deadline = 0;
        int spins = 0;
        while (true)
        {
            final byte[] bytes = frames.poll();
            if (bytes == null)
            {
                deadline = BoundedIdle.step(++spins, deadline, timeoutNanos, doorbell, nothingYet);
                if (deadline != 0)
                {
                    checkHealthy();
                }
                if (deadline == BoundedIdle.TIMED_OUT)
                {
                    throw new IllegalStateException("node " + rank + " waited " + describe(timeoutNanos) +
                        " for replica-sync round " + round + " step " + step + " data from node " + peer);
                }
                continue;
            }
            received.wrap(bytes);
            // onMessage saw the peer's frames in order, so only a round the peer skipped can show up here.
            final long sentRound = received.getLong(ROUND_OFFSET);
            if (sentRound != round)
            {
                throw new IllegalStateException("replica sync of node " + rank + " stopped: node " + peer +
                    " sent round " + sentRound + " step " + step + " data while node " + rank + " waited for round " +
                    round + " step " + step + " data");
            }
            decode(into);
            final byte flags = received.getByte(FLAGS_OFFSET);
            votes |= flags & VOTE_FLAGS;
            if ((flags & LAST_FLAG) != 0)
            {
                return votes;
            }
            // A fragment is progress: the wait for the next one starts afresh.
            spins = 0;
            deadline = 0;
        }
    }

    /** Appends the entries of the frame in {@code received}, which onMessage validated. */
    private void decode(final SparseVector into)
    {
        final int count = received.getInt(COUNT_OFFSET);
        int at = HEADER_LENGTH;
        for (int i = 0; i < count; i++)
        {
            into.append(received.getInt(at + ENTRY_KEY_OFFSET), received, at + ENTRY_VALUES_OFFSET);
            at += entryLength(into.valueLength(into.size() - 1));
        }
    }

    /** Throws if the node failed or a peer sent a bad frame. */
    private void checkHealthy()
    {
        final String reason = failure.get();
        if (reason != null)
        {
            throw new IllegalStateException("replica sync of node " + rank + " stopped: " + reason);
        }
        final String error = protocolError;
        if (error != null)
        {
            throw new IllegalStateException(error);
        }
    }

    private void checkFits(final int key, final int valueLength)
    {
        final int entryLength = entryLength(valueLength);
        if (HEADER_LENGTH + entryLength > maxMessageLength)
        {
            throw new IllegalArgumentException("key " + key + " has " + valueLength + " values: its SYNC entry of " +
                entryLength + " bytes plus the " + HEADER_LENGTH + "-byte header does not fit a message of at most " +
                maxMessageLength + " bytes: raise the transport's frame limit");
        }
    }

    /**
     * Why the frame cannot be accepted from {@code from}, or null; on acceptance it advances the peer's
     * sequence. Allocates only for the answer.
     */
    private String defect(final int from, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return "its " + length + " bytes are shorter than the " + HEADER_LENGTH + "-byte header";
        }
        final byte type = buffer.getByte(offset + TYPE_OFFSET);
        if (type != PsMessageDescriptor.SYNC)
        {
            return "its type is " + PsMessageDescriptor.typeName(type) + ", not SYNC";
        }
        final byte flags = buffer.getByte(offset + FLAGS_OFFSET);
        if ((flags & ~KNOWN_FLAGS) != 0)
        {
            return "it has unknown flags 0x" + Integer.toHexString(flags & 0xff);
        }
        final short claimed = buffer.getShort(offset + SENDER_OFFSET);
        if (claimed != from)
        {
            return "its header names node " + claimed + " as the sender";
        }
        final long round = buffer.getLong(offset + ROUND_OFFSET);
        final int step = buffer.getInt(offset + STEP_OFFSET);
        final int fragment = buffer.getInt(offset + FRAGMENT_OFFSET);
        final int count = buffer.getInt(offset + COUNT_OFFSET);
        if (step < 0 || step >= sources.length || sources[step] != from)
        {
            return "node " + from + " does not send to node " + rank + " in step " + step + " (of " + nodes + " nodes)";
        }
        final long current = nextRound;
        if (round < current)
        {
            return "round " + round + " is older than the current round " + current;
        }
        final Inbox inbox = inboxes[from];
        final boolean sameStep = round == inbox.round && step == inbox.step;
        if (sameStep)
        {
            if (fragment < inbox.nextFragment)
            {
                return "duplicate fragment index " + fragment;
            }
            if (!inbox.open)
            {
                return "fragment " + fragment + " follows the last fragment " + (inbox.nextFragment - 1);
            }
            if (fragment != inbox.nextFragment)
            {
                return "fragment " + fragment + " came where fragment " + inbox.nextFragment + " was due";
            }
        }
        else
        {
            if (round < inbox.round || (round == inbox.round && step < inbox.step))
            {
                return "it follows round " + inbox.round + " step " + inbox.step + " data";
            }
            if (inbox.open)
            {
                return "round " + inbox.round + " step " + inbox.step + " ended without its last fragment (" +
                    inbox.nextFragment + " arrived)";
            }
            if (fragment != 0)
            {
                return "the step's first fragment has index " + fragment + ", not 0";
            }
        }
        if (count < 0)
        {
            return "its entry count " + count + " is negative";
        }
        long at = HEADER_LENGTH;
        int previousKey = sameStep ? inbox.lastKey : -1;
        for (int i = 0; i < count; i++)
        {
            if (at + ENTRY_VALUES_OFFSET > length)
            {
                return "its entry count " + count + " overruns the " + length + "-byte frame at entry " + i;
            }
            final int key = buffer.getInt(offset + (int)at + ENTRY_KEY_OFFSET);
            try
            {
                layout.checkKey(key);
            }
            catch (final IllegalArgumentException ex)
            {
                return ex.getMessage();
            }
            if (key <= previousKey)
            {
                return "key " + key + " follows key " + previousKey + ": keys must increase strictly";
            }
            at += ENTRY_VALUES_OFFSET + (long)Float.BYTES * layout.length(key);
            if (at > length)
            {
                return "its entry count " + count + " overruns the " + length + "-byte frame at entry " + i +
                    " (key " + key + ")";
            }
            previousKey = key;
        }
        if (at != length)
        {
            return (length - at) + " bytes follow its last entry";
        }
        inbox.round = round;
        inbox.step = step;
        inbox.nextFragment = fragment + 1;
        inbox.lastKey = previousKey;
        inbox.open = (flags & LAST_FLAG) == 0;
        return null;
    }

    private void reject(final int from, final DirectBuffer buffer, final int offset, final int length,
        final String defect)
    {
        if (protocolError != null)
        {
            return;
        }
        final String where = length < HEADER_LENGTH ? "" : " (round " + buffer.getLong(offset + ROUND_OFFSET) +
            ", step " + buffer.getInt(offset + STEP_OFFSET) + ", fragment " + buffer.getInt(offset + FRAGMENT_OFFSET) +
            ")";
        protocolError = "replica sync of node " + rank + " stopped: node " + from + " sent a bad SYNC frame" + where +
            ": " + defect;
        doorbell.ring();
    }

    private static void copy(final SparseVector from, final SparseVector to)
    {
        to.clear();
        for (int i = 0; i < from.size(); i++)
        {
            to.append(from.key(i), from.values(), from.valueOffset(i));
        }
    }

    private static String describe(final long nanos)
    {
        final long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis >= 1000 && millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /**
     * Frames from one peer, and where that peer's sequence of frames stands. The sequence fields are touched
     * only by onMessage, which a transport delivers one at a time per peer.
     */
    private static final class Inbox
    {
        final ManyToOneConcurrentLinkedQueue<byte[]> frames = new ManyToOneConcurrentLinkedQueue<>();
        long round = -1;
        int step;
        int nextFragment;
        int lastKey;
        boolean open;
    }
}
