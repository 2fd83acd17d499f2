package io.nups.metrics;

import java.util.Locale;

/**
 * Operations whose latency and counts are recorded. The {@link #label()} names a kind in interval-log tags,
 * {@code .hgrm} file names and the summary table, so it is short, lower case and safe in a file name.
 */
public enum OpKind
{
    /** Pull of keys held on this node. */
    LOCAL_PULL,
    /** Push (add) to keys held on this node. */
    LOCAL_PUSH,
    /** Set (overwrite) of keys held on this node. */
    LOCAL_SET,
    /** Pull of keys held on another node. */
    REMOTE_PULL,
    /** Push (add) to keys held on another node. */
    REMOTE_PUSH,
    /** Set (overwrite) of keys held on another node. */
    REMOTE_SET,
    /** Relocation of keys to this node. */
    LOCALIZE,
    /** Transfer of parameter values between nodes. */
    TRANSFER,
    /** One synchronization round of replicated parameters (keys: keys this node sent). */
    SYNC_ROUND,
    /** Collecting this node's deltas for a round (keys: replicated keys examined). */
    SYNC_COLLECT,
    /** Summing the deltas of all nodes (keys: keys in the sum). */
    SYNC_EXCHANGE,
    /** Applying the sum to the synchronized state and the local replicas (keys: keys applied). */
    SYNC_APPLY,
    /** Drawing a sample of keys. */
    SAMPLE,
    /** Wait in the barrier of all workers. */
    BARRIER,
    /** Wait for an outstanding operation to complete. */
    WAIT,
    /** One-sided reads of remote slots for a pull (keys: keys served by them). */
    ONE_SIDED_READ,
    /** Rounds of reading torn one-sided copies again (keys: torn copies). */
    TORN_READ,
    /** Keys a one-sided read could not serve (moved, still torn, refused), pulled by message instead. */
    READ_FALLBACK;

    /** All kinds by ordinal, so collection loops need not copy {@link #values()}. */
    static final OpKind[] KINDS = values();

    private final String label = name().toLowerCase(Locale.ROOT);

    /**
     * Short lower-case name, e.g. {@code "local_pull"}.
     *
     * @return the label used as log tag and in file names.
     */
    public String label()
    {
        return label;
    }
}
