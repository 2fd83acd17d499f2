package io.nups.cli;

import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskRun;
import io.nups.apps.task.TaskRunner;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a training run as it goes: on a terminal a progress bar per epoch redrawn in place with throughput
 * and time left; in a log (no terminal, e.g. under scripts/nups-local) a plain line at most every
 * {@value #PLAIN_INTERVAL_SECONDS} s. One line per finished epoch either way, and the run's figures at the end.
 */
final class TrainProgress implements TaskRun
{
    private static final int BAR_WIDTH = 30;
    private static final long PLAIN_INTERVAL_SECONDS = 10;
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final PrintWriter out;
    private final boolean terminal;
    private final int epochs;
    private final int rank;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong nextDraw = new AtomicLong();
    private volatile int epoch;
    private volatile long work;
    private volatile long epochStart;
    private int barLength;

    TrainProgress(final PrintWriter out, final boolean terminal, final int epochs, final int rank)
    {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
        this.rank = rank;
    }

    @Override
    public synchronized void epochStarted(final int epoch, final long work)
    {
        this.epoch = epoch;
        this.work = work;
        done.set(0);
        epochStart = System.nanoTime();
        nextDraw.set(epochStart + (terminal ? REDRAW_NANOS : TimeUnit.SECONDS.toNanos(PLAIN_INTERVAL_SECONDS)));
    }

    @Override
    public void progress(final long examples)
    {
        done.addAndGet(examples);
        final long now = System.nanoTime();
        final long due = nextDraw.get();
        if (now >= due && nextDraw.compareAndSet(due, now + (terminal ? REDRAW_NANOS :
            TimeUnit.SECONDS.toNanos(PLAIN_INTERVAL_SECONDS))))
        {
            draw(now);
        }
    }

    private synchronized void draw(final long now)
    {
        final long total = work;
        final long finished = Math.min(done.get(), total);
        final double seconds = (now - epochStart) / 1e9;
        final int percent = total > 0 ? (int)(100 * finished / total) : 100;
        final String rate = seconds > 0 ? String.format(Locale.ROOT, "%,.0f/s", finished / seconds) : "";
        final String eta = finished > 0 ? duration((long)(seconds * (total - finished) / finished)) : "?";
        if (terminal)
        {
            final int filled = percent * BAR_WIDTH / 100;
            final String bar = String.format(Locale.ROOT, "epoch %d/%d [%s%s] %3d%%  %s  ETA %s", epoch, epochs,
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), percent, rate, eta);
            out.print("\r" + bar + " ".repeat(Math.max(0, barLength - bar.length())));
            barLength = bar.length();
        }
        else
        {
            out.printf(Locale.ROOT, "epoch %d/%d: %d%% done, %s, ETA %s%n", epoch, epochs, percent, rate, eta);
        }
        out.flush();
    }

    @Override
    public synchronized void epochFinished(final EpochStats stats)
    {
        clearBar();
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "epoch %2d/%d  %7.2f s  %,12.0f examples/s  loss %.5f", stats.epoch(), epochs, stats.seconds(),
            stats.updatesPerSecond(), stats.loss()));
        stats.metrics().forEach((name, value) -> line.append(String.format(Locale.ROOT, "  %s %.4f", name, value)));
        out.println(line);
        out.flush();
    }

    @Override
    public synchronized void log(final String line)
    {
        clearBar();
        out.println(line);
        out.flush();
    }

    /** Prints the run's quality, throughput and access figures and this node's latency table. */
    @SuppressWarnings("unchecked")
    synchronized void finish(final TaskRunner.Report report)
    {
        clearBar();
        final Map<String, Object> summary = report.summary();
        final StringBuilder quality = new StringBuilder("quality:");
        report.result().quality().forEach((name, value) -> quality.append(String.format(Locale.ROOT, " %s %.4f",
            name, value)));
        out.println(quality);
        out.printf(Locale.ROOT, "cluster: %s examples/s over %s s of training, %s node(s)%n",
            format(summary.get("updates_per_sec")), format(summary.get("train_seconds")), summary.get("nodes"));
        final Map<String, Object> access = (Map<String, Object>)summary.get("access");
        out.printf(Locale.ROOT, "access: %s local, %s remote of %s keys; %s keys localized, %s replicated, %s sync rounds%n",
            percent(access.get("share_local")), percent(access.get("share_remote")), access.get("keys_accessed"),
            access.get("keys_localized"), access.get("replicated_keys"), access.get("sync_rounds"));
        if (rank == 0 || !terminal)
        {
            out.println(report.latencySummary());
        }
        out.flush();
    }

    private void clearBar()
    {
        if (barLength > 0)
        {
            out.print("\r" + " ".repeat(barLength) + "\r");
            barLength = 0;
        }
    }

    private static String format(final Object number)
    {
        return String.format(Locale.ROOT, "%,.1f", ((Number)number).doubleValue());
    }

    private static String percent(final Object share)
    {
        return String.format(Locale.ROOT, "%.1f%%", 100 * ((Number)share).doubleValue());
    }

    private static String duration(final long seconds)
    {
        return seconds >= 3600 ?
            String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) :
            String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
