package io.nups.manage;

import io.nups.store.KeyLayout;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The automatic choice of replicated keys, in the spirit of NuPS: replicate a key when keeping a replica on
 * every node in sync costs less network traffic than serving the key's accesses remotely.
 *
 * <p>The model counts bytes sent per node per second. For a key with value length L floats, accessed
 * {@code a} times per second summed over the whole cluster of N nodes:
 * <pre>
 *   sync(L)      = R * ceil(log2 N) * (4 + 4L)                 replicated: all-reduce traffic
 *   remote(a, L) = (a / N) * ((N - 1) / N) * (8 + 4L + 2H)     not replicated: remote requests
 *   replicate    iff  remote(a, L) >= f * sync(L),  i.e.  a >= a*(L) = f * sync(L) * N^2 / ((N - 1) * (8 + 4L + 2H))
 * </pre>
 * <ul>
 *   <li>R is the sync round rate: the configured syncs per second, capped by {@code maxRoundsPerSecond};
 *   with 0 (unthrottled rounds, as in NuPS) the cap itself, e.g. a measured round rate.</li>
 *   <li>Each round is an all-reduce by recursive doubling: ceil(log2 N) exchanges, each sending the key
 *   (4 bytes) and its values (4L bytes). For N not a power of two the fold into the largest power of two P
 *   makes the busiest node send log2 P + 1 = ceil(log2 N) times, so the formula counts that node.</li>
 *   <li>Without replication each node issues a/N of the accesses, of which (N - 1)/N go to a key owned
 *   elsewhere; each is a request plus a response carrying the key twice and the value once (8 + 4L bytes)
 *   plus the per-message overhead H twice. Relocation does not avoid these for a key that all nodes
 *   access at once; that is the case replication is for.</li>
 *   <li>f is a safety factor (default 1): above 1 replicates fewer keys, below 1 more.</li>
 * </ul>
 *
 * <p>Worked example: N = 8 nodes, R = 25 rounds/s, L = 100 floats, H = 32 bytes, f = 1. Syncing costs
 * 25 * 3 * 404 = 30,300 B/s per node; a remote access costs 8 + 400 + 64 = 472 B, and per node
 * a * 7/64 * 472 = 51.625 * a B/s. The break-even rate is a* = 30,300 / 51.625 = 586.9 accesses/s across
 * the cluster: a key counted 36,000 times in a 60 s window (600/s, 30,975 B/s) is replicated, one counted
 * 34,800 times (580/s, 29,942.5 B/s) is not.
 *
 * <p>Assumptions, stated so the rule can be judged:
 * <ul>
 *   <li>Bandwidth only. A remote access also stalls its worker for a round trip, which replication removes;
 *   for latency-bound work the rule replicates too little (lower f).</li>
 *   <li>Accesses are spread evenly over nodes. A key that one node uses heavily is better relocated, but
 *   cluster-wide counts cannot tell, so such keys may be replicated needlessly.</li>
 *   <li>Every replicated key is in every round. True for hot keys; rarely updated keys are skipped by the
 *   sync threshold and cost less than modelled.</li>
 *   <li>Both sides err against replication: sync counts the busiest node, remote access the average node
 *   (the owner of a hot key carries more); pull-response extras (slot position) and TCP/IP headers are
 *   left out of H.</li>
 *   <li>Sync messages carry many keys, so their per-message overhead is not charged per key; a remote
 *   request batched with other keys shares its overhead too (lower H).</li>
 *   <li>Pulls and pushes cost the same (a push sends the delta and gets a small acknowledgement); the round
 *   rate does not depend on the number of replicated keys.</li>
 * </ul>
 * A single node replicates nothing. Counts must be cluster-wide (summed over all nodes) for the window.
 *
 * <p>Immutable apart from what {@link #explain()} reports about the last {@link #choose}; use from one thread.
 */
public final class ReplicationCostRule
{
    /** Round rate assumed for unthrottled sync (0 syncs/s) unless a measured one is given. */
    public static final double DEFAULT_MAX_ROUNDS_PER_SECOND = 1000;
    /** Parameter-server message header (24 bytes) plus TCP frame header (8 bytes). */
    public static final int DEFAULT_MESSAGE_OVERHEAD_BYTES = 32;
    public static final double DEFAULT_SAFETY_FACTOR = 1;

    private static final int KEY_BYTES = Integer.BYTES;
    private static final int VALUE_BYTES = Float.BYTES;

    private final int nodes;
    private final double syncsPerSecond;
    private final double roundsPerSecond;
    private final int messageOverheadBytes;
    private final double safetyFactor;
    private final int exchangesPerRound;

    private int lastLength;
    private int lastChosen;
    private int lastNumKeys;

    /** A rule with the default round cap, message overhead and safety factor. */
    public ReplicationCostRule(final int nodes, final double syncsPerSecond)
    {
        this(nodes, syncsPerSecond, DEFAULT_MAX_ROUNDS_PER_SECOND, DEFAULT_MESSAGE_OVERHEAD_BYTES,
            DEFAULT_SAFETY_FACTOR);
    }

    /**
     * @param nodes                number of nodes N
     * @param syncsPerSecond       configured sync rounds per second; 0 means unthrottled
     * @param maxRoundsPerSecond   the fastest round rate (e.g. measured); caps syncsPerSecond and stands for 0
     * @param messageOverheadBytes per-message overhead H of a remote request or response
     * @param safetyFactor         f: replicate iff remote cost >= f times sync cost
     */
    public ReplicationCostRule(final int nodes, final double syncsPerSecond, final double maxRoundsPerSecond,
        final int messageOverheadBytes, final double safetyFactor)
    {
        if (nodes < 1)
        {
            throw new IllegalArgumentException("number of nodes must be >= 1, got " + nodes);
        }
        if (!(syncsPerSecond >= 0) || Double.isInfinite(syncsPerSecond))
        {
            throw new IllegalArgumentException(
                "syncs per second must be finite and >= 0 (0 = unthrottled), got " + syncsPerSecond);
        }
        if (!(maxRoundsPerSecond > 0) || Double.isInfinite(maxRoundsPerSecond))
        {
            throw new IllegalArgumentException(
                "maximum sync rounds per second must be finite and > 0, got " + maxRoundsPerSecond);
        }
        if (messageOverheadBytes < 0)
        {
            throw new IllegalArgumentException("message overhead must be >= 0 bytes, got " + messageOverheadBytes);
        }
        if (!(safetyFactor > 0) || Double.isInfinite(safetyFactor))
        {
            throw new IllegalArgumentException("safety factor must be finite and > 0, got " + safetyFactor);
        }
        this.nodes = nodes;
        this.syncsPerSecond = syncsPerSecond;
        this.roundsPerSecond = syncsPerSecond == 0 ? maxRoundsPerSecond : Math.min(syncsPerSecond, maxRoundsPerSecond);
        this.messageOverheadBytes = messageOverheadBytes;
        this.safetyFactor = safetyFactor;
        this.exchangesPerRound = nodes == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(nodes - 1);
    }

    /** Sync rounds per second the model assumes (R). */
    public double roundsPerSecond()
    {
        return roundsPerSecond;
    }

    /** All-reduce exchanges per round at the busiest node: ceil(log2 N), 0 for one node. */
    public int exchangesPerRound()
    {
        return exchangesPerRound;
    }

    /** Bytes per second one node sends to keep a replicated key of {@code valueLength} floats in sync. */
    public double syncBytesPerSecond(final int valueLength)
    {
        checkLength(valueLength);
        return roundsPerSecond * exchangesPerRound * (KEY_BYTES + (double)VALUE_BYTES * valueLength);
    }

    /** Bytes of one remote access: request and response, with their message overheads. */
    public double remoteBytesPerAccess(final int valueLength)
    {
        checkLength(valueLength);
        return 2 * KEY_BYTES + (double)VALUE_BYTES * valueLength + 2.0 * messageOverheadBytes;
    }

    /** Bytes per second per node that remote accesses to a non-replicated key cost. */
    public double remoteBytesPerSecond(final double accessesPerSecond, final int valueLength)
    {
        return accessesPerSecond / nodes * (nodes - 1) / nodes * remoteBytesPerAccess(valueLength);
    }

    /** Cluster-wide accesses per second from which a key is replicated; infinite for one node. */
    public double breakEvenAccessesPerSecond(final int valueLength)
    {
        if (nodes == 1)
        {
            return Double.POSITIVE_INFINITY;
        }
        return safetyFactor * syncBytesPerSecond(valueLength) / remoteBytesPerSecond(1, valueLength);
    }

    /**
     * True iff a key accessed {@code accesses} times across the cluster within {@code windowSeconds} is
     * cheaper to replicate than to access remotely.
     */
    public boolean replicate(final long accesses, final double windowSeconds, final int valueLength)
    {
        checkWindow(windowSeconds);
        if (accesses < 0)
        {
            throw new IllegalArgumentException("access count must be >= 0, got " + accesses);
        }
        if (nodes == 1 || accesses == 0)
        {
            return false;
        }
        final double remote = remoteBytesPerSecond(accesses / windowSeconds, valueLength);
        return remote >= safetyFactor * syncBytesPerSecond(valueLength);
    }

    /** The keys worth replicating, given cluster-wide access counts per key over {@code windowSeconds}. */
    public HotKeys choose(final long[] countsByKey, final double windowSeconds, final KeyLayout layout)
    {
        checkWindow(windowSeconds);
        if (countsByKey.length != layout.numKeys())
        {
            throw new IllegalArgumentException("access counts cover " + countsByKey.length +
                " keys, but the key layout has " + layout.numKeys());
        }
        final int[] chosen = new int[countsByKey.length];
        int size = 0;
        for (int key = 0; key < countsByKey.length; key++)
        {
            if (countsByKey[key] < 0)
            {
                throw new IllegalArgumentException(
                    "access count of key " + key + " is negative: " + countsByKey[key]);
            }
            if (replicate(countsByKey[key], windowSeconds, layout.length(key)))
            {
                chosen[size++] = key;
            }
        }
        final HotKeys hot = HotKeys.of(layout.numKeys(), Arrays.copyOf(chosen, size));
        lastLength = mostCommonLength(layout);
        lastChosen = hot.size();
        lastNumKeys = layout.numKeys();
        return hot;
    }

    /**
     * One line for the log about the last {@link #choose}: the model's inputs, the break-even access rate of a
     * key of the layout's most common length, and how many keys were chosen.
     */
    public String explain()
    {
        if (lastLength == 0)
        {
            throw new IllegalStateException("explain() describes the last choose(); call choose first, " +
                "or explain(valueLength)");
        }
        return explain(lastLength) + String.format(Locale.ROOT, "; chose %,d of %,d keys", lastChosen, lastNumKeys);
    }

    /** One line for the log: the model's inputs and the break-even access rate of a key of the given length. */
    public String explain(final int valueLength)
    {
        checkLength(valueLength);
        if (nodes == 1)
        {
            return "replication cost rule: 1 node, nothing to replicate";
        }
        final String rounds = syncsPerSecond == 0 ?
            "unthrottled sync (assumed " + plain(roundsPerSecond) + " rounds/s)" :
            plain(roundsPerSecond) + " sync rounds/s";
        return String.format(Locale.ROOT, "replication cost rule: %d nodes, %s, %d B per message, safety factor %s: " +
                "a key of %d floats is replicated when the cluster accesses it >= %,.1f times/s " +
                "(sync %,.0f B/s per node, remote access %,.0f B)",
            nodes, rounds, messageOverheadBytes, plain(safetyFactor), valueLength,
            breakEvenAccessesPerSecond(valueLength), syncBytesPerSecond(valueLength),
            remoteBytesPerAccess(valueLength));
    }

    private static String plain(final double value)
    {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static int mostCommonLength(final KeyLayout layout)
    {
        int length = 0;
        long keys = -1;
        for (final Map.Entry<Integer, Long> entry : layout.keysPerLength().entrySet())
        {
            if (entry.getValue() > keys)
            {
                length = entry.getKey();
                keys = entry.getValue();
            }
        }
        return length;
    }

    private static void checkLength(final int valueLength)
    {
        if (valueLength < 1)
        {
            throw new IllegalArgumentException("value length must be >= 1 float, got " + valueLength);
        }
    }

    private static void checkWindow(final double windowSeconds)
    {
        if (!(windowSeconds > 0) || Double.isInfinite(windowSeconds))
        {
            throw new IllegalArgumentException(
                "counting window must be finite and > 0 seconds, got " + windowSeconds);
        }
    }
}
