package io.nups.cli;

import io.nups.apps.mf.EpochResult;
import io.nups.apps.mf.MfListener;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * Shows MF training as it runs: on a terminal a progress bar redrawn in place with the time left; in a log
 * (no terminal) a plain line at most every {@value #PLAIN_INTERVAL_SECONDS} s. Either way one line per epoch.
 */
final class ConsoleProgress implements MfListener
{
    private static final int BAR_WIDTH = 30;
    private static final long PLAIN_INTERVAL_SECONDS = 10;

    private final PrintWriter out;
    private final boolean terminal;
    private final int epochs;
    private long trainingStart;
    private long lastPlainLine;
    private int barLength;

    ConsoleProgress(final PrintWriter out, final boolean terminal, final int epochs)
    {
        this.out = out;
        this.terminal = terminal;
        this.epochs = epochs;
    }

    @Override
    public void progress(final int epoch, final long updatesDone, final long updatesTotal)
    {
        if (epoch == 0 || trainingStart == 0)
        {
            return; // still setting up the model
        }
        final long now = System.nanoTime();
        final long perEpoch = updatesTotal / epochs;
        final long inEpoch = Math.max(0, Math.min(perEpoch, updatesDone - (epoch - 1) * perEpoch));
        final int percent = perEpoch > 0 ? (int)(100 * inEpoch / perEpoch) : 100;
        final String eta = updatesDone > 0 ?
            duration((now - trainingStart) * (updatesTotal - updatesDone) / updatesDone) : "?";
        if (terminal)
        {
            final int filled = percent * BAR_WIDTH / 100;
            final String bar = String.format("epoch %d/%d [%s%s] %3d%%  ETA %s", epoch, epochs,
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), percent, eta);
            out.print("\r" + bar + " ".repeat(Math.max(0, barLength - bar.length())));
            barLength = bar.length();
        }
        else if (now - lastPlainLine >= TimeUnit.SECONDS.toNanos(PLAIN_INTERVAL_SECONDS))
        {
            out.printf("epoch %d/%d: %d%% done, ETA %s%n", epoch, epochs, percent, eta);
            lastPlainLine = now;
        }
        out.flush();
    }

    @Override
    public void epochDone(final EpochResult result)
    {
        clearBar();
        if (result.epoch() == 0)
        {
            out.printf("epoch %2d/%d  initial model%25strain RMSE %.4f  test RMSE %.4f  lr %.4g%n",
                0, epochs, "", result.trainRmse(), result.testRmse(), result.learningRate());
            trainingStart = System.nanoTime();
            lastPlainLine = trainingStart;
        }
        else
        {
            out.printf("epoch %2d/%d  %6.2f s  %8.3f M updates/s  train RMSE %.4f  test RMSE %.4f  lr %.4g%n",
                result.epoch(), epochs, result.seconds(), result.updatesPerSecond() / 1e6, result.trainRmse(),
                result.testRmse(), result.learningRate());
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

    private static String duration(final long nanos)
    {
        final long seconds = TimeUnit.NANOSECONDS.toSeconds(nanos);
        return seconds >= 3600 ?
            String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) :
            String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
