package io.nups.cli;

import io.nups.api.Nups;
import io.nups.sample.SamplingScheme;

import java.util.Locale;

/**
 * The shorthands of {@code nups train --mode} for the paper's system variants (reference §5.5). Each sets the
 * management mode, the default of replicated hot keys, the sampling scheme and localizing ahead; the individual
 * flags override them.
 */
enum TrainMode
{
    /** One node, every key local (the paper's single-node baseline, the same program). */
    SINGLE(Nups.Mode.CLASSIC, 0, SamplingScheme.NAIVE),
    /** Static allocation: keys stay at home, no replication, naive sampling, nothing localized ahead. */
    CLASSIC(Nups.Mode.CLASSIC, 0, SamplingScheme.NAIVE),
    /** Relocation only (Lapse): no replication, samples localized ahead (preloc), keys localized ahead. */
    LAPSE(Nups.Mode.RELOCATION, 0, SamplingScheme.PRELOC),
    /**
     * NuPS (tuned): the hottest keys replicated, the rest relocated ahead of use, sampling from local keys only.
     */
    NUPS(Nups.Mode.RELOCATION, 1000, SamplingScheme.LOCAL);

    static final String NAMES = "single|classic|lapse|nups";

    private final Nups.Mode mode;
    private final int replicate;
    private final SamplingScheme sampling;
    private final boolean localizeAhead;

    TrainMode(final Nups.Mode mode, final int replicate, final SamplingScheme sampling)
    {
        this.mode = mode;
        this.replicate = replicate;
        this.sampling = sampling;
        this.localizeAhead = mode == Nups.Mode.RELOCATION;
    }

    Nups.Mode mode()
    {
        return mode;
    }

    /** Keys to replicate when no replication flag is given: this many of the task's hottest. */
    int replicate()
    {
        return replicate;
    }

    SamplingScheme sampling()
    {
        return sampling;
    }

    boolean localizeAhead()
    {
        return localizeAhead;
    }

    String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
