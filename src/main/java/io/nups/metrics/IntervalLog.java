package io.nups.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HdrHistogram interval log of one node: per interval, one histogram per {@link OpKind} that had values, tagged
 * with its label, so HistogramLogProcessor and the online plotter can read it. Latencies added between writes
 * are pending for the next interval. Not thread-safe: the owner serialises calls.
 */
final class IntervalLog
{
    private final Path file;
    private final PrintStream out;
    private final HistogramLogWriter writer;
    private final Histogram[] pending = new Histogram[OpKind.KINDS.length];
    private long intervalStartMillis;

    /**
     * Creates (or truncates) {@code file} and writes the header.
     *
     * @throws UncheckedIOException if the file cannot be written.
     */
    IntervalLog(final Path file, final String nodeLabel, final long startMillis)
    {
        this.file = file;
        try
        {
            this.out = new PrintStream(new BufferedOutputStream(Files.newOutputStream(file)), false,
                StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create interval log " + file, ex);
        }
        this.writer = new HistogramLogWriter(out);
        for (int i = 0; i < pending.length; i++)
        {
            pending[i] = OpRecorder.newHistogram();
        }
        this.intervalStartMillis = startMillis;

        writer.outputComment("[nups latency log of node " + nodeLabel +
            ": values in nanoseconds, Interval_Max in milliseconds, tag = operation kind]");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputBaseTime(startMillis);
        writer.outputLegend();
        flush();
    }

    void add(final OpKind kind, final Histogram interval)
    {
        pending[kind.ordinal()].add(interval);
    }

    /**
     * Writes the pending latencies as the interval ending at {@code endMillis} and starts the next one.
     *
     * @throws UncheckedIOException if the file cannot be written.
     */
    void write(final long endMillis)
    {
        for (final OpKind kind : OpKind.KINDS)
        {
            final Histogram histogram = pending[kind.ordinal()];
            if (histogram.getTotalCount() > 0)
            {
                histogram.setStartTimeStamp(intervalStartMillis);
                histogram.setEndTimeStamp(endMillis);
                histogram.setTag(kind.label());
                writer.outputIntervalHistogram(histogram);
                histogram.reset();
            }
        }
        intervalStartMillis = endMillis;
        flush();
    }

    void close()
    {
        writer.close();
    }

    private void flush()
    {
        if (out.checkError())
        {
            throw new UncheckedIOException(new IOException("cannot write interval log " + file));
        }
    }
}
