package io.nups.cli;

import io.nups.apps.kge.KgeConfig;
import io.nups.apps.kge.KgeDataLoader;
import io.nups.apps.kge.KgeDataset;
import io.nups.apps.kge.ZipfGraph;
import io.nups.apps.wordnet.WordNetCache;
import io.nups.apps.wordnet.WordNetGraph;
import io.nups.apps.kge.KgeTask;
import io.nups.apps.task.TrainingTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Path;

/**
 * {@code nups train kge}: knowledge graph embeddings (ComplEx or RESCAL) with AdaGrad and sampled negatives
 * (reference §5.1), with NuPS's kge flag names and toy-scale defaults.
 */
@Command(
    name = "kge",
    mixinStandardHelpOptions = true,
    description = {
        "Train knowledge graph embeddings (ComplEx or RESCAL) on a libkge (.del) or names (.txt) data set; reports " +
            "filtered and raw MRR and Hits@1/3/10 on valid while training and on test at the end.",
        "Example: nups train kge --embed_dim 100 --epochs 10 --mode single (the embedded WordNet graph)"
    })
final class TrainKgeCommand extends TrainTaskCommand
{
    @Option(names = "--data", paramLabel = "DIR", order = 30,
        description = "Knowledge graph directory: train/valid/test.del (libkge) or train/valid/test.txt (names) " +
            "(default: the WordNet 3.1 graph, embedded: synsets and their semantic relations as in WN18RR, " +
            "5,000 valid and 5,000 test triples).")
    Path data;

    @Option(names = "--synthetic", paramLabel = "ENTITIES,RELATIONS,TRIPLES", split = ",", order = 30,
        description = "Instead of --data, a seeded Zipf-skewed graph of this size (entity exponent 1.1, as the " +
            "reference's generator), with 1 % of the triples each for valid and test (at most 5,000).")
    int[] synthetic;

    @Option(names = "--data-seed", paramLabel = "S", defaultValue = "1", order = 30,
        description = "Seed of --synthetic (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--format", paramLabel = "auto|del|named", defaultValue = "auto", converter = FormatConverter.class,
        order = 31, description = "Layout of --data (default: ${DEFAULT-VALUE}: .del if present, else .txt).")
    KgeDataLoader.Format format;

    @Option(names = "--model", paramLabel = "complex|rescal", defaultValue = "complex", converter = KindConverter.class,
        order = 32, description = "Scoring function (default: ${DEFAULT-VALUE}).")
    KgeConfig.Kind model;

    @Option(names = {"--embed_dim", "--dim"}, paramLabel = "D", defaultValue = "10", converter = Bounds.PositiveInt.class,
        order = 33, description = "Floats per entity embedding; even for ComplEx (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--eta", paramLabel = "η", defaultValue = "0.1", converter = Bounds.PositiveDouble.class,
        order = 34, description = "AdaGrad learning rate (default: ${DEFAULT-VALUE}).")
    double eta;

    @Option(names = "--neg_ratio", paramLabel = "N", defaultValue = "6", converter = Bounds.NonNegativeInt.class,
        order = 35, description = "Sampled negatives per triple for the tail, and as many for the head (default: " +
        "${DEFAULT-VALUE}).")
    int negatives;

    @Option(names = "--gamma_entity", paramLabel = "γ", defaultValue = "1e-3",
        converter = Bounds.NonNegativeDouble.class, order = 36,
        description = "L2 regularization of the entities of positive triples (default: ${DEFAULT-VALUE}).")
    double gammaEntity;

    @Option(names = "--gamma_relation", paramLabel = "γ", defaultValue = "1e-3",
        converter = Bounds.NonNegativeDouble.class, order = 37,
        description = "L2 regularization of the relation of positive triples (default: ${DEFAULT-VALUE}).")
    double gammaRelation;

    @Option(names = "--init_scale", paramLabel = "S", defaultValue = "0.01", converter = Bounds.NonNegativeDouble.class,
        order = 38, description = "Embeddings start uniform in [-S, S) (default: ${DEFAULT-VALUE}).")
    double initScale;

    @Option(names = "--eval", paramLabel = "true|false", arity = "1", defaultValue = "true", order = 39,
        description = "Link prediction in the app (default: ${DEFAULT-VALUE}); off for models whose entity matrix " +
            "does not fit a node, to be evaluated offline from --export.")
    boolean evaluate;

    @Option(names = "--eval_every", paramLabel = "N", defaultValue = "1", converter = Bounds.NonNegativeInt.class,
        order = 40, description = "Evaluate on valid every N epochs and after the last; 0: only after the last " +
        "(default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Override
    TrainingTask task()
    {
        final KgeConfig config;
        final KgeDataset dataset;
        try
        {
            config = new KgeConfig(model, dim, eta, negatives, gammaEntity, gammaRelation, initScale,
                KgeConfig.defaults().initAccumulator(), evaluate, evalEvery);
            dataset = dataset();
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(ex.getMessage());
        }
        return new KgeTask(dataset, config);
    }

    private KgeDataset dataset()
    {
        if (data != null && synthetic != null)
        {
            throw fail("give --data or --synthetic, not both");
        }
        if (data != null)
        {
            return KgeDataLoader.load(data, format);
        }
        if (synthetic != null)
        {
            if (synthetic.length != 3 || synthetic[0] < 2 || synthetic[1] < 1 || synthetic[2] < 100)
            {
                throw fail("--synthetic takes ENTITIES,RELATIONS,TRIPLES with at least 2 entities, 1 relation and " +
                    "100 triples, e.g. 100000,100,1000000");
            }
            final int held = Math.min(5000, synthetic[2] / 100);
            return ZipfGraph.generate(ZipfGraph.Spec.defaults().sized(synthetic[0], synthetic[1], synthetic[2], held,
                held).withSeed(dataSeed));
        }
        return WordNetCache.open().graph(WordNetGraph.Options.DEFAULT).dataset();
    }

    static final class KindConverter implements ITypeConverter<KgeConfig.Kind>
    {
        @Override
        public KgeConfig.Kind convert(final String text)
        {
            try
            {
                return KgeConfig.Kind.parse(text.strip());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }
    }

    static final class FormatConverter implements ITypeConverter<KgeDataLoader.Format>
    {
        @Override
        public KgeDataLoader.Format convert(final String text)
        {
            try
            {
                return KgeDataLoader.Format.parse(text);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException(ex.getMessage());
            }
        }
    }
}
