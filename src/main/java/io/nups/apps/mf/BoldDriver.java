package io.nups.apps.mf;

/**
 * Learning-rate control of the NuPS MF app: after an epoch that lowered the training loss, grow the rate by
 * 5%; after one that did not, halve it. Cheap, and keeps SGD near the largest stable step.
 */
final class BoldDriver
{
    static final double GROW = 1.05;
    static final double SHRINK = 0.5;

    private double rate;
    private double lastLoss;
    private boolean started;

    BoldDriver(final double initialRate)
    {
        this.rate = initialRate;
    }

    double rate()
    {
        return rate;
    }

    /** Takes the training loss after an epoch (the first call: of the initial model) and returns the next rate. */
    double update(final double loss)
    {
        if (started)
        {
            // A NaN loss (a diverged model) is no improvement: shrink.
            rate *= loss < lastLoss ? GROW : SHRINK;
        }
        started = true;
        lastLoss = loss;
        return rate;
    }
}
