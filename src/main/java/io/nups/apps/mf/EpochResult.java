package io.nups.apps.mf;

/**
 * Where training stands after one epoch (epoch 0: the initial model, before any update).
 *
 * @param epoch        1-based epoch, or 0 for the initial model
 * @param seconds      wall time of the epoch's SGD pass (evaluation excluded)
 * @param updates      SGD updates of the epoch, one per training cell
 * @param trainRmse    root mean squared error on the training cells
 * @param testRmse     root mean squared error on the test cells (NaN without test cells)
 * @param trainLoss    the objective: squared error plus L2 penalty, per training cell
 * @param learningRate step size used in this epoch (the initial one for epoch 0)
 */
public record EpochResult(int epoch, double seconds, long updates, double trainRmse, double testRmse,
    double trainLoss, double learningRate)
{
    public double updatesPerSecond()
    {
        return seconds > 0 ? updates / seconds : 0;
    }
}
