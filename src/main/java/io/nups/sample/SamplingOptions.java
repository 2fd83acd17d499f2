package io.nups.sample;

/**
 * Sampling support of a node (reference §3): the target distribution and the scheme that serves it. Defaults are
 * NuPS's ({@code sampling.strategy = naive}, {@code group_size = 250}, {@code reuse = 1}) except postponing,
 * which is <b>off</b> by default here: NuPS's code defaults it on, but its experiment documentation treats it as
 * a separate variant (reference §3.3 note), so nups makes it an explicit choice.
 *
 * <p>Every node may choose its own scheme: the options change only how this node picks keys, never what the
 * cluster stores, so they are not part of the settings nodes compare at start.
 *
 * @param distribution       the target distribution, or null: sampling off
 * @param scheme             see {@link SamplingScheme}
 * @param groupSize          {@link SamplingScheme#POOL}: keys drawn (and localized) together, {@code sampling.group_size}
 * @param reuse              {@link SamplingScheme#POOL}: uses of each drawn key, {@code sampling.reuse}
 * @param postpone           {@link SamplingScheme#POOL}: a single-key {@code pullSample} whose key is not local
 *                           moves it to the end of its group and takes the next one ({@code sampling.postpone})
 * @param scanFrom           {@link SamplingScheme#LOCAL}: with {@code scanTo}, the sampling domain {@code [scanFrom,
 *                           scanTo)}; given, local sampling draws one start key and scans upward (wrapping) to the
 *                           next local key instead of drawing until a key is local; -1: not given
 * @param scanTo             see {@code scanFrom}
 * @param downweightReplicas {@link SamplingScheme#LOCAL}: accept a replicated key with probability 1/nodes, so the
 *                           cluster as a whole does not oversample keys every node holds
 * @param seed               base seed; each drawing thread gets its own stream derived from it, the rank and the
 *                           thread
 */
public record SamplingOptions(KeyDistribution distribution, SamplingScheme scheme, int groupSize, int reuse,
    boolean postpone, int scanFrom, int scanTo, boolean downweightReplicas, long seed)
{
    public static final int DEFAULT_GROUP_SIZE = 250;
    /** The pool holds this many groups with all their copies (NuPS: safety factor 2 × 100). */
    static final int POOL_GROUPS = 200;

    public SamplingOptions
    {
        if (scheme == null)
        {
            throw new IllegalArgumentException("sampling scheme is null: expected one of naive, preloc, pool, local");
        }
        if (groupSize < 1)
        {
            throw new IllegalArgumentException("sampling group size must be >= 1, got " + groupSize);
        }
        if (reuse < 1)
        {
            throw new IllegalArgumentException("sampling reuse must be >= 1, got " + reuse);
        }
        if ((long)groupSize * reuse * POOL_GROUPS > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("sampling pool of group size " + groupSize + " × reuse " + reuse +
                " × " + POOL_GROUPS + " positions does not fit an array; lower the group size or reuse");
        }
        if ((scanFrom == -1) != (scanTo == -1) || (scanFrom != -1 && (scanFrom < 0 || scanTo <= scanFrom)))
        {
            throw new IllegalArgumentException("sampling scan range [" + scanFrom + ", " + scanTo + ") must be a " +
                "non-empty range of keys, or both -1 for none");
        }
    }

    /** Sampling from {@code distribution} with the naive scheme and NuPS's defaults (postponing off). */
    public static SamplingOptions of(final KeyDistribution distribution)
    {
        if (distribution == null)
        {
            throw new IllegalArgumentException("key distribution is null; use SamplingOptions.none() for no sampling");
        }
        return new SamplingOptions(distribution, SamplingScheme.NAIVE, DEFAULT_GROUP_SIZE, 1, false, -1, -1, false, 0);
    }

    /** No sampling support: {@code prepareSample} fails, naming how to enable it. */
    public static SamplingOptions none()
    {
        return new SamplingOptions(null, SamplingScheme.NAIVE, DEFAULT_GROUP_SIZE, 1, false, -1, -1, false, 0);
    }

    public boolean enabled()
    {
        return distribution != null;
    }

    /** True if sampling is on with the pool scheme, so the node runs a pool agent. */
    public boolean runsPool()
    {
        return enabled() && scheme == SamplingScheme.POOL;
    }

    /** True if local sampling scans a key range instead of drawing until a key is local. */
    public boolean scans()
    {
        return scanFrom != -1;
    }

    /** Positions of the pool's ring: {@code groupSize × reuse × 200}. */
    public int poolSize()
    {
        return groupSize * reuse * POOL_GROUPS;
    }

    /** Rejects a scan range outside the key space {@code [0, numKeys)}. */
    public void checkKeySpace(final int numKeys)
    {
        if (scans() && scanTo > numKeys)
        {
            throw new IllegalArgumentException("sampling scan range [" + scanFrom + ", " + scanTo + ") exceeds the " +
                "key space [0, " + numKeys + ")");
        }
    }

    public SamplingOptions withScheme(final SamplingScheme value)
    {
        return new SamplingOptions(distribution, value, groupSize, reuse, postpone, scanFrom, scanTo,
            downweightReplicas, seed);
    }

    public SamplingOptions withGroupSize(final int value)
    {
        return new SamplingOptions(distribution, scheme, value, reuse, postpone, scanFrom, scanTo, downweightReplicas,
            seed);
    }

    public SamplingOptions withReuse(final int value)
    {
        return new SamplingOptions(distribution, scheme, groupSize, value, postpone, scanFrom, scanTo,
            downweightReplicas, seed);
    }

    public SamplingOptions withPostpone(final boolean on)
    {
        return new SamplingOptions(distribution, scheme, groupSize, reuse, on, scanFrom, scanTo, downweightReplicas,
            seed);
    }

    /** Local sampling scans {@code [from, to)} upward from one drawn start key (NuPS's memory-friendly variant). */
    public SamplingOptions withScanRange(final int from, final int to)
    {
        return new SamplingOptions(distribution, scheme, groupSize, reuse, postpone, from, to, downweightReplicas,
            seed);
    }

    public SamplingOptions withDownweightedReplicas(final boolean on)
    {
        return new SamplingOptions(distribution, scheme, groupSize, reuse, postpone, scanFrom, scanTo, on, seed);
    }

    public SamplingOptions withSeed(final long value)
    {
        return new SamplingOptions(distribution, scheme, groupSize, reuse, postpone, scanFrom, scanTo,
            downweightReplicas, value);
    }

    /** The scheme and its parameters, e.g. {@code pool (group 250, reuse 4, postpone off)}. */
    public String describe()
    {
        return switch (scheme)
        {
            case NAIVE, PRELOC -> scheme.name().toLowerCase(java.util.Locale.ROOT);
            case POOL -> "pool (group " + groupSize + ", reuse " + reuse + ", postpone " + (postpone ? "on" : "off") +
                ")";
            case LOCAL -> "local (" + (scans() ? "scan of [" + scanFrom + ", " + scanTo + ")" : "general") +
                (downweightReplicas ? ", replicas down-weighted" : "") + ")";
        };
    }
}
