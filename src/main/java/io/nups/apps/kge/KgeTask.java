package io.nups.apps.kge;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskRun;
import io.nups.apps.task.TaskSettings;
import io.nups.apps.task.TrainingTask;
import io.nups.sample.KeyDistribution;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Knowledge graph embeddings (ComplEx or RESCAL) trained with AdaGrad and negative sampling on nups, NuPS's kge app
 * (reference §5.1). Keys: entity e is key e, relation r key {@code entities + r}, one more key for cluster-wide sums;
 * each value is {@code [embedding | AdaGrad accumulators]}. Negatives are drawn through the parameter server's
 * sampling support from a uniform distribution over the entity keys, with the scheme of the settings. Quality is
 * link prediction (filtered and raw MRR, Hits@1/3/10) on valid during training and on test at the end.
 */
public final class KgeTask implements TrainingTask
{
    private final KgeDataset data;
    private final KgeConfig config;
    private final KgeModel model;
    private final KgeKeys keys;

    /**
     * @param data   the graph; every node of a cluster must pass the same one (each trains on its share)
     * @param config the hyperparameters
     * @throws IllegalArgumentException when the graph has no entity or no relation, or a RESCAL relation of
     *                                  {@code dim²} floats does not fit one key
     */
    public KgeTask(final KgeDataset data, final KgeConfig config)
    {
        this.data = data;
        this.config = config;
        this.model = config.createModel();
        this.keys = new KgeKeys(KgeKeyLayout.of(data), model);
    }

    @Override
    public String name()
    {
        return "kge";
    }

    public KgeConfig config()
    {
        return config;
    }

    /** The key that holds cluster-wide sums: {@code entities + relations}. */
    @Override
    public int sumKey()
    {
        return keys.sumKey();
    }

    /** Relation r is key {@code entities + r} ({@link KgeKeyLayout#relationKey}). */
    @Override
    public int relationKey(final int relation)
    {
        return keys.layout().relationKey(relation);
    }

    /**
     * Declares the key space and uniform sampling over the entity keys {@code [0, entities)}, keeping the scheme and
     * knobs of {@code settings.sampling()} and seeding it from {@code settings.seed()}; with the local scheme it
     * scans the entity range upward from a drawn key, as NuPS's kge app does.
     */
    @Override
    public void configure(final Nups.Builder builder, final TaskSettings settings)
    {
        keys.declare(builder);
        final SamplingOptions given = settings.sampling();
        final boolean scan = given.scheme() == SamplingScheme.LOCAL;
        builder.sampling(new SamplingOptions(KeyDistribution.uniform(0, keys.entities), given.scheme(),
            given.groupSize(), given.reuse(), given.postpone(), scan ? 0 : -1, scan ? keys.entities : -1,
            given.downweightReplicas(), settings.seed()));
    }

    /** Occurrences in the training triples by key ({@link KgeFrequencies#keyCounts}); 0 for the sum key. */
    @Override
    public long[] keyFrequencies()
    {
        return Arrays.copyOf(KgeFrequencies.keyCounts(data.train(), keys.layout()), keys.numKeys());
    }

    @Override
    public TaskResult train(final ParameterServer ps, final TaskSettings settings, final TaskRun run,
        final boolean resumed)
    {
        if (ps.numKeys() != keys.numKeys() || ps.valueLength(0) != 2 * keys.entityLength)
        {
            throw new IllegalArgumentException("the server's key space (" + ps.numKeys() + " keys, key 0 of " +
                ps.valueLength(0) + " floats) is not this task's (" + keys.numKeys() + " keys, entities of " +
                2 * keys.entityLength + "): start it from configure()");
        }
        if (!resumed)
        {
            new KgeInit(keys, config, settings.seed()).run(ps);
        }
        final KgeEvaluation evaluation = config.evaluate() ? new KgeEvaluation(keys, model,
            KnownTriples.index(data.relations(), List.of(data.valid(), data.test()),
                List.of(data.train(), data.valid(), data.test()))) : null;
        return new KgeTraining(ps, settings, run, data, config, model, keys, evaluation).run();
    }

    /**
     * Writes {@code entities.bin} ({@code entities × dim}) and {@code relations.bin} ({@code relations ×
     * relation length}), float32 little-endian row-major embeddings without the AdaGrad state, {@code model.json}
     * describing them, and {@code entity_names.txt} / {@code relation_names.txt} (one name per line, by id).
     */
    @Override
    public void export(final ParameterServer ps, final Path directory) throws IOException
    {
        new KgeExport(keys, model, data).write(ps.worker(0), directory);
    }
}
