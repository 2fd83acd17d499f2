package io.nups.apps.kge;

import java.util.Locale;

/**
 * Hyperparameters of KGE training, named and defaulted as NuPS's kge app (reference §5.1; toy-scale defaults).
 *
 * @param model                  {@link Kind#COMPLEX} or {@link Kind#RESCAL} ({@code --model}, default complex)
 * @param dim                    floats per entity embedding ({@code embed_dim}, default 10; even for ComplEx)
 * @param learningRate           AdaGrad step size η ({@code eta}, default 0.1)
 * @param negatives              negatives per positive triple on each side: that many corrupted tails and as many
 *                               corrupted heads ({@code neg_ratio}, default 6)
 * @param entityRegularization   L2 weight γ_e on the entities of positive triples ({@code gamma_entity}, 1e-3)
 * @param relationRegularization L2 weight γ_r on the relation of positive triples ({@code gamma_relation}, 1e-3)
 * @param initScale              embeddings start uniform in [-initScale, initScale) (default 0.01)
 * @param initAccumulator        AdaGrad accumulators start at this value (default 1e-6)
 * @param evaluate               link prediction in the app (default on); off for models whose entity matrix does
 *                               not fit one node's memory, to be evaluated offline from the export as the paper did
 * @param evalEvery              evaluate on valid every this many epochs (and always after the last); 0: only
 *                               after the last (default 1)
 */
public record KgeConfig(Kind model, int dim, double learningRate, int negatives, double entityRegularization,
    double relationRegularization, double initScale, double initAccumulator, boolean evaluate, int evalEvery)
{
    /** The scoring functions. */
    public enum Kind
    {
        COMPLEX,
        RESCAL;

        KgeModel create(final int dim)
        {
            return this == COMPLEX ? new ComplEx(dim) : new Rescal(dim);
        }

        /** {@code complex} or {@code rescal}, any case. */
        public static Kind parse(final String name)
        {
            for (final Kind kind : values())
            {
                if (kind.name().equalsIgnoreCase(name))
                {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown KGE model '" + name + "': expected complex or rescal");
        }

        @Override
        public String toString()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public KgeConfig
    {
        if (model == null)
        {
            throw new IllegalArgumentException("KGE model is null: expected complex or rescal");
        }
        model.create(dim); // validates dim for the model
        requirePositive("learning rate", learningRate);
        if (negatives < 0)
        {
            throw new IllegalArgumentException("negatives must be >= 0, got " + negatives);
        }
        requireNonNegative("entity regularization", entityRegularization);
        requireNonNegative("relation regularization", relationRegularization);
        requireNonNegative("init scale", initScale);
        requirePositive("initial AdaGrad accumulator", initAccumulator);
        if (evalEvery < 0)
        {
            throw new IllegalArgumentException("evalEvery must be >= 0 (0: only after the last epoch), got " +
                evalEvery);
        }
    }

    /** NuPS's toy-scale defaults: ComplEx, dim 10, η 0.1, 6 negatives, γ 1e-3, init ±0.01, evaluation every epoch. */
    public static KgeConfig defaults()
    {
        return new KgeConfig(Kind.COMPLEX, 10, 0.1, 6, 1e-3, 1e-3, 0.01, 1e-6, true, 1);
    }

    public KgeConfig withModel(final Kind value)
    {
        return new KgeConfig(value, dim, learningRate, negatives, entityRegularization, relationRegularization,
            initScale, initAccumulator, evaluate, evalEvery);
    }

    public KgeConfig withDim(final int value)
    {
        return new KgeConfig(model, value, learningRate, negatives, entityRegularization, relationRegularization,
            initScale, initAccumulator, evaluate, evalEvery);
    }

    public KgeConfig withLearningRate(final double value)
    {
        return new KgeConfig(model, dim, value, negatives, entityRegularization, relationRegularization, initScale,
            initAccumulator, evaluate, evalEvery);
    }

    public KgeConfig withNegatives(final int value)
    {
        return new KgeConfig(model, dim, learningRate, value, entityRegularization, relationRegularization, initScale,
            initAccumulator, evaluate, evalEvery);
    }

    public KgeConfig withRegularization(final double entity, final double relation)
    {
        return new KgeConfig(model, dim, learningRate, negatives, entity, relation, initScale, initAccumulator,
            evaluate, evalEvery);
    }

    public KgeConfig withEvalEvery(final int value)
    {
        return new KgeConfig(model, dim, learningRate, negatives, entityRegularization, relationRegularization,
            initScale, initAccumulator, evaluate, value);
    }

    public KgeConfig withEvaluation(final boolean on)
    {
        return new KgeConfig(model, dim, learningRate, negatives, entityRegularization, relationRegularization,
            initScale, initAccumulator, on, evalEvery);
    }

    /** The scoring function of this configuration. */
    public KgeModel createModel()
    {
        return model.create(dim);
    }

    private static void requirePositive(final String what, final double value)
    {
        if (!(value > 0) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + value);
        }
    }

    private static void requireNonNegative(final String what, final double value)
    {
        if (!(value >= 0) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + value);
        }
    }
}
