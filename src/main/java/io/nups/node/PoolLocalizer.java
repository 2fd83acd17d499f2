package io.nups.node;

import io.nups.manage.ParameterManager;
import io.nups.metrics.LatencyReport;
import io.nups.metrics.OpRecorder;
import io.nups.sample.Localizer;

/**
 * The sampling pool agent's way to localize: a manager port of its own, on the operation table after the
 * workers' (NuPS gives the pool thread its own customer id the same way).
 */
final class PoolLocalizer implements Localizer
{
    private final ParameterManager.Port port;
    private final long waitNanos;

    private PoolLocalizer(final ParameterManager.Port port, final long waitNanos)
    {
        this.port = port;
        this.waitNanos = waitNanos;
    }

    /** The pool's localizer, or {@link Localizer#NONE} where localize moves nothing or no pool runs. */
    static Localizer of(final NodeSettings settings, final ParameterManager manager, final LatencyReport report)
    {
        if (manager == null || !settings.relocation() || !settings.sampling().runsPool())
        {
            return Localizer.NONE;
        }
        final OpRecorder recorder = new OpRecorder(settings.latencySampleEvery());
        report.register(recorder);
        return new PoolLocalizer(manager.port(settings.threads(), recorder), settings.waitTimeout().toNanos());
    }

    @Override
    public long localize(final int[] keys)
    {
        return port.localize(keys);
    }

    @Override
    public boolean isDone(final long handle)
    {
        return handle == DONE || port.table().isDone(handle);
    }

    @Override
    public void awaitAll(final long timeoutNanos)
    {
        port.table().awaitAll(Math.min(timeoutNanos, waitNanos));
    }
}
