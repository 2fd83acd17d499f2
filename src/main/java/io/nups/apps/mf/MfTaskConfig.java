package io.nups.apps.mf;

/**
 * Model and SGD settings of {@link MfTask}, named and defaulted as in the reference (§5.3).
 *
 * @param rank                  length of every row and column factor
 * @param epsilon               initial SGD step size ε (reference default 0.001); the bold driver adapts it
 * @param lambda                L2 regularization λ, spread over each row's and column's cells (default 0.05)
 * @param boldDriver            after each epoch multiply ε by 1.05 if the cluster-wide training loss fell, else
 *                              by 0.5 (default on)
 * @param prelocalizeGroupSize  every this many data points a worker localizes upcoming columns (default 1,000)
 * @param prelocalizeSteps      how many further groups ahead column factors are localized (default 1, NuPS's MF
 *                              setting); only with {@code TaskSettings#localizeAhead()}
 */
public record MfTaskConfig(int rank, double epsilon, double lambda, boolean boldDriver, int prelocalizeGroupSize,
    int prelocalizeSteps)
{
    public static final int DEFAULT_RANK = 100;
    public static final double DEFAULT_EPSILON = 0.001;
    public static final double DEFAULT_LAMBDA = 0.05;
    public static final int DEFAULT_PRELOCALIZE_GROUP_SIZE = 1000;
    public static final int DEFAULT_PRELOCALIZE_STEPS = 1;

    public MfTaskConfig
    {
        if (rank < 1)
        {
            throw new IllegalArgumentException("rank must be >= 1, got " + rank);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon))
        {
            throw new IllegalArgumentException("epsilon (learning rate) must be positive and finite, got " + epsilon);
        }
        if (!(lambda >= 0) || Double.isInfinite(lambda))
        {
            throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
        }
        if (prelocalizeGroupSize < 1 || prelocalizeSteps < 0)
        {
            throw new IllegalArgumentException("prelocalize group size must be >= 1 and steps >= 0, got " +
                prelocalizeGroupSize + " and " + prelocalizeSteps);
        }
    }

    /** The reference's defaults. */
    public static MfTaskConfig defaults()
    {
        return new MfTaskConfig(DEFAULT_RANK, DEFAULT_EPSILON, DEFAULT_LAMBDA, true, DEFAULT_PRELOCALIZE_GROUP_SIZE,
            DEFAULT_PRELOCALIZE_STEPS);
    }

    public MfTaskConfig withRank(final int newRank)
    {
        return new MfTaskConfig(newRank, epsilon, lambda, boldDriver, prelocalizeGroupSize, prelocalizeSteps);
    }

    public MfTaskConfig withEpsilon(final double newEpsilon)
    {
        return new MfTaskConfig(rank, newEpsilon, lambda, boldDriver, prelocalizeGroupSize, prelocalizeSteps);
    }

    public MfTaskConfig withLambda(final double newLambda)
    {
        return new MfTaskConfig(rank, epsilon, newLambda, boldDriver, prelocalizeGroupSize, prelocalizeSteps);
    }
}
