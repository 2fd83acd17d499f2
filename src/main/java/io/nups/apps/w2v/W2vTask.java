package io.nups.apps.w2v;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskRun;
import io.nups.apps.task.TaskRunner;
import io.nups.apps.task.TaskSettings;
import io.nups.apps.task.TrainingTask;
import io.nups.sample.AliasTable;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * word2vec skip-gram with negative sampling on nups (reference §5.2): keys per {@link W2vKeys} (input and output
 * vector per word, one key for cluster-wide sums), negatives drawn from unigram^0.75 by the sampling primitives
 * with the scheme of {@link TaskSettings#sampling()}, each node training on its share of the corpus and each
 * worker on its share of the node's (see {@link W2vWorker}). After the last epoch it logs nearest neighbours and
 * reports the quality score of {@link W2vQuality} ({@code synonym_auc} or {@code cooccurrence_auc}, and
 * {@code pairs}). Export writes the input vectors in word2vec's text and binary formats.
 */
public final class W2vTask implements TrainingTask
{
    /** Export file names in the export directory. */
    public static final String TEXT_FILE = "vectors.txt";
    public static final String BINARY_FILE = "vectors.bin";
    /** Words per pull or push when the whole table is initialized or read. */
    private static final int BATCH = 512;
    /** Keeps the model's streams apart from other uses of the same base seed. */
    private static final long INIT_SALT = 0x2545F4914F6CDD1DL;

    private final W2vConfig config;
    private final Corpus corpus;
    private final List<SynonymPair> synonyms;
    private final W2vKeys keys;

    /**
     * @param config   hyperparameters (the corpus must have been read with its min count and held-out share)
     * @param corpus   the corpus, the same on every node ({@link CorpusReader})
     * @param synonyms pairs for the synonym score; empty: the co-occurrence score on held-out text instead
     */
    public W2vTask(final W2vConfig config, final Corpus corpus, final List<SynonymPair> synonyms)
    {
        this.config = config;
        this.corpus = corpus;
        this.synonyms = List.copyOf(synonyms);
        this.keys = new W2vKeys(corpus.vocabulary().size());
    }

    /** A task scored by co-occurrence on the held-out text. */
    public W2vTask(final W2vConfig config, final Corpus corpus)
    {
        this(config, corpus, List.of());
    }

    @Override
    public String name()
    {
        return "w2v";
    }

    @Override
    public void configure(final Nups.Builder builder, final TaskSettings settings)
    {
        final int words = keys.words();
        builder.keys(keys.numKeys()).valueLength(0, 2 * words, config.dim())
            .valueLength(keys.sums(), keys.numKeys(), ClusterSums.length(TaskRunner.SUM_VALUES));
        final SamplingOptions scheme = settings.sampling();
        builder.sampling(new SamplingOptions(negativeDistribution(), scheme.scheme(), scheme.groupSize(),
            scheme.reuse(), scheme.postpone(), scheme.scanFrom(), scheme.scanTo(), scheme.downweightReplicas(),
            settings.seed()));
    }

    /** Key {@code 2·V}, after the word vectors: never sampled; its access frequency 0 ranks it last for replication. */
    @Override
    public int sumKey()
    {
        return keys.sums();
    }

    /** word2vec's unigram^0.75 over the output-vector keys (reference §3.2); other keys are never drawn. */
    AliasTable negativeDistribution()
    {
        final double[] weights = new double[keys.numKeys()];
        for (int w = 0; w < keys.words(); w++)
        {
            weights[keys.output(w)] = Math.pow(corpus.vocabulary().count(w), AliasTable.UNIGRAM_POWER);
        }
        return AliasTable.of(weights);
    }

    /**
     * Expected accesses per key (reference §2.1, scaled to the training words W): input vector of w {@code cn(w)},
     * output vector {@code negative·W·cn(w)^0.75/Σcn^0.75 + cn(w)}; the sums key 0.
     */
    @Override
    public long[] keyFrequencies()
    {
        final Vocabulary vocabulary = corpus.vocabulary();
        double powered = 0;
        for (int w = 0; w < vocabulary.size(); w++)
        {
            powered += Math.pow(vocabulary.count(w), AliasTable.UNIGRAM_POWER);
        }
        final long[] frequencies = new long[keys.numKeys()];
        for (int w = 0; w < vocabulary.size(); w++)
        {
            final long count = vocabulary.count(w);
            frequencies[keys.input(w)] = count;
            frequencies[keys.output(w)] = count + Math.round(config.negative() * (double)vocabulary.totalCount() *
                Math.pow(count, AliasTable.UNIGRAM_POWER) / powered);
        }
        return frequencies;
    }

    @Override
    public TaskResult train(final ParameterServer ps, final TaskSettings settings, final TaskRun run,
        final boolean resumed)
    {
        if (ps.numKeys() != keys.numKeys())
        {
            throw new IllegalArgumentException("the parameter server has " + ps.numKeys() + " keys; this task needs " +
                keys.numKeys() + " (configure() was not applied to its builder)");
        }
        final Vocabulary vocabulary = corpus.vocabulary();
        if (ps.rank() == 0)
        {
            run.log(String.format(java.util.Locale.ROOT, "corpus: %,d words, %,d training tokens in %,d sentences, " +
                    "%,d held-out tokens", vocabulary.size(), corpus.train().size(), corpus.train().sentences(),
                corpus.heldOut().size()));
        }
        if (!resumed)
        {
            initialize(ps, settings.seed());
        }
        final W2vQuality quality = new W2vQuality(vocabulary, keys, config.dim(), config.evalWords(), synonyms,
            corpus.heldOut(), config.window(), settings.seed());
        final Subsampling subsampling = new Subsampling(vocabulary, config.subsample());
        final NodeEpochs node = new NodeEpochs();
        final SplittableRandom seeds = new SplittableRandom(settings.seed() ^ (0x9E3779B97F4A7C15L * (ps.rank() + 1)));
        final Thread[] threads = new Thread[ps.threads()];
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        for (int i = 0; i < threads.length; i++)
        {
            final W2vWorker worker = new W2vWorker(ps.worker(i), ps.rank(), ps.nodes(), threads.length, config,
                corpus, keys, subsampling, quality, node, run, settings.epochs(), settings.localizeAhead(),
                samplesPerCall(settings.sampling()), seeds.nextLong());
            threads[i] = new Thread(() ->
            {
                try
                {
                    worker.run();
                }
                catch (final RuntimeException | Error ex)
                {
                    final RuntimeException wrapped = ex instanceof RuntimeException r ? r :
                        new IllegalStateException(ex);
                    if (!failure.compareAndSet(null, wrapped))
                    {
                        failure.get().addSuppressed(ex);
                    }
                }
            }, "nups-w2v-" + ps.rank() + "-" + i);
            threads[i].start();
        }
        // Each worker's waits are bounded by the server's wait timeout, so the threads end even when one failed.
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while word2vec workers ran", ex);
            }
        }
        if (failure.get() != null)
        {
            throw failure.get();
        }
        return new TaskResult(node.epochs(), node.quality());
    }

    /**
     * A context's negatives are pulled in one call, except where the scheme serves one key per call: local
     * sampling always, and the pool with postponing (which postpones single-key calls only).
     */
    private int samplesPerCall(final SamplingOptions sampling)
    {
        final boolean single = sampling.scheme() == SamplingScheme.LOCAL ||
            sampling.scheme() == SamplingScheme.POOL && sampling.postpone();
        return single ? 1 : config.negative();
    }

    /**
     * word2vec's initialization: input vectors uniform in (−0.5/d, 0.5/d), output vectors 0. Each node pushes the
     * words {@code w ≡ rank (mod nodes)} inside the setup phase, so a replicated key gets exactly one initial value.
     * A word's values depend only on the seed and the word, not on the cluster size.
     */
    private void initialize(final ParameterServer ps, final long seed)
    {
        ps.beginSetup();
        ps.barrier();
        final Worker worker = ps.worker(0);
        final int dim = config.dim();
        // this node's words: rank, rank + nodes, rank + 2·nodes, ...
        final int mine = (keys.words() - ps.rank() + ps.nodes() - 1) / ps.nodes();
        for (int from = 0; from < mine; from += BATCH)
        {
            final int count = Math.min(BATCH, mine - from);
            final int[] batch = new int[count];
            final float[] values = new float[count * dim];
            for (int i = 0; i < count; i++)
            {
                final int word = ps.rank() + (from + i) * ps.nodes();
                batch[i] = keys.input(word);
                final SplittableRandom random = new SplittableRandom(seed ^ INIT_SALT ^ (word * 0xBF58476D1CE4E5B9L));
                for (int d = 0; d < dim; d++)
                {
                    values[i * dim + d] = (float)((random.nextDouble() - 0.5) / dim);
                }
            }
            worker.push(batch, values);
        }
        worker.waitAll();
        ps.barrier();
        ps.waitReplicaSync();
        ps.barrier();
        ps.endSetup();
        ps.barrier();
    }

    /** The trained input vectors of all words, in vocabulary order (pulled through worker 0). */
    public WordVectors vectors(final ParameterServer ps)
    {
        final Worker worker = ps.worker(0);
        final Vocabulary vocabulary = corpus.vocabulary();
        final int dim = config.dim();
        final float[] values = new float[vocabulary.size() * dim];
        for (int from = 0; from < vocabulary.size(); from += BATCH)
        {
            final int count = Math.min(BATCH, vocabulary.size() - from);
            final int[] batch = new int[count];
            for (int i = 0; i < count; i++)
            {
                batch[i] = keys.input(from + i);
            }
            final float[] part = new float[count * dim];
            worker.waitFor(worker.pull(batch, part));
            System.arraycopy(part, 0, values, from * dim, part.length);
        }
        final List<String> words = new ArrayList<>(vocabulary.size());
        for (int w = 0; w < vocabulary.size(); w++)
        {
            words.add(vocabulary.word(w));
        }
        return new WordVectors(words, dim, values);
    }

    /** Writes {@value #TEXT_FILE} and {@value #BINARY_FILE} (word2vec's formats) into {@code directory}. */
    @Override
    public void export(final ParameterServer ps, final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        final WordVectors vectors = vectors(ps);
        vectors.writeText(directory.resolve(TEXT_FILE));
        vectors.writeBinary(directory.resolve(BINARY_FILE));
    }
}
