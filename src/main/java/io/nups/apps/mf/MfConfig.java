package io.nups.apps.mf;

import java.nio.file.Path;

/**
 * How {@link MfTrainer} factorizes a matrix.
 *
 * @param rank            length of every row and column factor
 * @param epochs          passes over the training cells
 * @param threads         worker threads, each running SGD on its own share of the cells (Hogwild)
 * @param learningRate    initial SGD step size; the bold driver adapts it after every epoch
 * @param lambda          L2 regularization, spread over each row's and column's cells
 * @param seed            seed of the model initialization and the visiting orders
 * @param latencySampling time 1 of this many parameter-server operations (a power of two)
 * @param profile         directory for the parameter server's latency profile, or null for none
 */
public record MfConfig(int rank, int epochs, int threads, double learningRate, double lambda, long seed,
    int latencySampling, Path profile)
{
    public MfConfig
    {
        if (rank < 1 || epochs < 1 || threads < 1)
        {
            throw new IllegalArgumentException(
                "rank, epochs and threads must be positive, got " + rank + ", " + epochs + " and " + threads);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate))
        {
            throw new IllegalArgumentException("learning rate must be positive and finite, got " + learningRate);
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda))
        {
            throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        }
    }
}
