package io.nups.apps.mf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MfTrainerTest
{
    private static final double NOISE = 0.1;
    private static final SparseMatrix DATA =
        ZipfMatrix.generate(new MatrixSpec(2000, 500, 8, 200_000, 10_000, NOISE, 1.1, 11));

    @Test
    void hogwildSgdOnTwoThreadsApproachesTheNoiseFloor()
    {
        final List<EpochResult> seen = new ArrayList<>();
        final MfResult result = new MfTrainer(new MfConfig(8, 12, 2, 0.03, 0.05, 5, 16, null))
            .train(DATA, new MfListener()
            {
                @Override
                public void progress(final int epoch, final long updatesDone, final long updatesTotal)
                {
                    assertTrue(updatesDone <= updatesTotal);
                }

                @Override
                public void epochDone(final EpochResult result)
                {
                    seen.add(result);
                }
            });
        assertEquals(13, result.epochs().size());
        assertEquals(result.epochs(), seen);
        assertEquals(12L * DATA.train().size(), result.totalUpdates());
        final double initial = result.initial().testRmse();
        final double last = result.last().testRmse();
        assertTrue(initial > 0.9, "initial test RMSE " + initial);
        // The rank-8 truth has unit variance: a model that learned nothing stays near 1; the floor is 0.1.
        assertTrue(last < 2.5 * NOISE, "test RMSE " + initial + " -> " + last);
        assertTrue(result.last().trainRmse() < result.epochs().get(1).trainRmse());
        assertTrue(result.latencySummary().contains("local_pull"), result.latencySummary());
        assertTrue(result.memoryReport().contains("slots used"), result.memoryReport());
    }

    @Test
    void aDivergingModelIsReportedNotHidden()
    {
        // A step size far too large makes the bold driver back off every epoch; the RMSE it reports must be
        // the real, large figure and never NaN disguised as progress.
        final MfResult result = new MfTrainer(new MfConfig(8, 2, 1, 5.0, 0.05, 5, 16, null))
            .train(DATA, MfListener.NONE);
        assertTrue(result.last().learningRate() < 5.0, "bold driver lowered the rate: " + result.last());
        assertTrue(!(result.last().testRmse() < 0.5), "diverged run reported " + result.last());
    }

    @Test
    void aFailingListenerStopsTheWorkersAndPropagates()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new MfTrainer(new MfConfig(8, 3, 2, 0.03, 0.05, 5, 16, null)).train(DATA, new MfListener()
            {
                @Override
                public void progress(final int epoch, final long updatesDone, final long updatesTotal)
                {
                }

                @Override
                public void epochDone(final EpochResult result)
                {
                    throw new IllegalStateException("listener gave up at epoch " + result.epoch());
                }
            }));
        assertTrue(ex.getMessage().startsWith("listener gave up"), ex.getMessage());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("nups-mf") && t.isAlive() && !t.isDaemon()),
            "worker threads left running");
    }
}
