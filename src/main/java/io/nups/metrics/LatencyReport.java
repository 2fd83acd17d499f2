package io.nups.metrics;

import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Latencies of one node: merges the interval histograms of all registered {@link OpRecorder}s into cumulative
 * per-kind totals, optionally logs each interval to an HdrHistogram interval log from a daemon thread, and
 * writes {@code .hgrm} percentile files and a summary table.
 * <p>
 * Every collection drains the recorders into the totals (and into the pending log interval), so values are
 * counted once however often and from wherever reports are taken. All methods are thread-safe; only the
 * worker threads' record path is lock-free. Values are nanoseconds; percentile files and the summary are
 * scaled to microseconds. Everything stays readable after {@link #close()}, which only stops the log.
 */
public final class LatencyReport implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(LatencyReport.class);
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final double NANOS_PER_MICRO = 1000.0;
    private static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 5;

    private final String label;
    private final Object lock = new Object();
    private final List<Source> sources = new ArrayList<>();
    private final Histogram[] totals = new Histogram[OpKind.KINDS.length];
    private IntervalLog intervalLog;
    private PeriodicAgent logAgent;
    private boolean closed;

    /** A registered recorder and the interval histograms it last handed off, recycled on the next collection. */
    private static final class Source
    {
        final OpRecorder recorder;
        final Histogram[] recycle = new Histogram[OpKind.KINDS.length];

        Source(final OpRecorder recorder)
        {
            this.recorder = recorder;
        }
    }

    /**
     * @param label names the node in the log thread, log header and summary, e.g. {@code "r0"}.
     */
    public LatencyReport(final String label)
    {
        this.label = Objects.requireNonNull(label, "label");
        for (int i = 0; i < totals.length; i++)
        {
            totals[i] = OpRecorder.newHistogram();
        }
    }

    public String label()
    {
        return label;
    }

    /**
     * Adds a recorder; any time, any thread.
     *
     * @param recorder of one worker thread.
     * @throws IllegalArgumentException if it is already registered.
     */
    public void register(final OpRecorder recorder)
    {
        Objects.requireNonNull(recorder, "recorder");
        synchronized (lock)
        {
            for (final Source source : sources)
            {
                if (source.recorder == recorder)
                {
                    throw new IllegalArgumentException("recorder already registered with latency report " + label);
                }
            }
            sources.add(new Source(recorder));
        }
    }

    /**
     * Collects all recorders and returns the cumulative latencies of {@code kind}.
     *
     * @param kind of operation.
     * @return a copy of the total histogram in nanoseconds, the caller's to keep.
     */
    public Histogram snapshot(final OpKind kind)
    {
        synchronized (lock)
        {
            collect(kind);
            return totals[kind.ordinal()].copy();
        }
    }

    /**
     * Starts the daemon thread {@code nups-metrics-<label>} that every {@code intervalMillis} writes the
     * latencies of that interval to {@code hlogFile} (created or truncated). Values recorded before the start
     * go to the totals only. {@link #close()} writes the last interval and closes the file.
     *
     * @param hlogFile       the interval log, e.g. {@code nups-r0.hlog}.
     * @param intervalMillis between intervals, at least 1.
     * @throws UncheckedIOException  if the file cannot be created.
     * @throws IllegalStateException if the log was started already or the report is closed.
     */
    public void startIntervalLog(final Path hlogFile, final long intervalMillis)
    {
        Objects.requireNonNull(hlogFile, "hlogFile");
        if (intervalMillis < 1)
        {
            throw new IllegalArgumentException("interval log period must be >= 1 ms, got " + intervalMillis);
        }
        synchronized (lock)
        {
            if (closed)
            {
                throw new IllegalStateException("latency report " + label + " is closed");
            }
            if (logAgent != null)
            {
                throw new IllegalStateException("interval log of latency report " + label + " already started");
            }
            collectAll();
            intervalLog = new IntervalLog(hlogFile, label, System.currentTimeMillis());
            logAgent = new PeriodicAgent("nups-metrics-" + label, intervalMillis, this::logInterval, this::closeLog);
            logAgent.start();
        }
    }

    /**
     * Collects all recorders and writes {@code <prefix>.<kind label>.hgrm} in {@code dir} for each kind with
     * values: the percentile distribution in microseconds, as HdrHistogram's tools write it.
     *
     * @param dir    existing directory.
     * @param prefix of the file names, e.g. {@code nups-r0}.
     * @throws UncheckedIOException if a file cannot be written.
     */
    public void writePercentiles(final Path dir, final String prefix)
    {
        synchronized (lock)
        {
            collectAll();
            for (final OpKind kind : OpKind.KINDS)
            {
                final Histogram total = totals[kind.ordinal()];
                if (total.getTotalCount() > 0)
                {
                    writePercentiles(total, dir.resolve(prefix + "." + kind.label() + ".hgrm"));
                }
            }
        }
    }

    /** Keys counted for {@code kind} by every registered recorder so far (exact, not sampled). */
    public long keys(final OpKind kind)
    {
        long keys = 0;
        synchronized (lock)
        {
            for (final Source source : sources)
            {
                keys += source.recorder.keys(kind);
            }
        }
        return keys;
    }

    /**
     * Collects all recorders and formats one row per kind with operations or latencies: operation and key
     * counts, then percentiles, max and mean in microseconds.
     *
     * @return a table of a few lines, columns aligned.
     */
    public String summaryTable()
    {
        final TextTable table = new TextTable("kind", "ops", "keys", "p50", "p90", "p99", "p99.9", "max", "mean");
        synchronized (lock)
        {
            collectAll();
            for (final OpKind kind : OpKind.KINDS)
            {
                long operations = 0;
                long keys = 0;
                for (final Source source : sources)
                {
                    operations += source.recorder.operations(kind);
                    keys += source.recorder.keys(kind);
                }
                final Histogram total = totals[kind.ordinal()];
                if (operations > 0 || total.getTotalCount() > 0)
                {
                    table.row(kind.label(), Long.toString(operations), Long.toString(keys),
                        percentile(total, 50.0), percentile(total, 90.0), percentile(total, 99.0),
                        percentile(total, 99.9),
                        micros(total, total.getMaxValue()), micros(total, total.getMean()));
                }
            }
        }
        return "latency of node " + label + " in microseconds, from timed calls\n" + table;
    }

    /**
     * Stops the interval log, if started, waiting at most 5 s for its last interval; idempotent. The report
     * stays readable.
     */
    @Override
    public void close()
    {
        final PeriodicAgent agent;
        synchronized (lock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            agent = logAgent;
        }
        if (agent != null && !agent.stop(STOP_TIMEOUT_MILLIS))
        {
            LOG.warn("{} did not stop within {} ms; it closes the interval log when it does",
                agent.name(), STOP_TIMEOUT_MILLIS);
        }
    }

    private void logInterval()
    {
        synchronized (lock)
        {
            collectAll();
            intervalLog.write(System.currentTimeMillis());
        }
    }

    private void closeLog()
    {
        synchronized (lock)
        {
            try
            {
                logInterval();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("cannot write the last interval of latency report {}", label, ex);
            }
            finally
            {
                intervalLog.close();
                intervalLog = null;
            }
        }
    }

    private void collectAll()
    {
        for (final OpKind kind : OpKind.KINDS)
        {
            collect(kind);
        }
    }

    private void collect(final OpKind kind)
    {
        final int k = kind.ordinal();
        for (final Source source : sources)
        {
            final Histogram interval = source.recorder.intervalHistogram(kind, source.recycle[k]);
            source.recycle[k] = interval;
            if (interval.getTotalCount() > 0)
            {
                totals[k].add(interval);
                if (intervalLog != null)
                {
                    intervalLog.add(kind, interval);
                }
            }
        }
    }

    private static void writePercentiles(final Histogram histogram, final Path file)
    {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII))
        {
            histogram.outputPercentileDistribution(out, PERCENTILE_TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
            if (out.checkError())
            {
                throw new IOException("write failed");
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write percentiles " + file, ex);
        }
    }

    private static String percentile(final Histogram histogram, final double percentile)
    {
        return micros(histogram, histogram.getValueAtPercentile(percentile));
    }

    private static String micros(final Histogram histogram, final double nanos)
    {
        return histogram.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", nanos / NANOS_PER_MICRO);
    }
}
