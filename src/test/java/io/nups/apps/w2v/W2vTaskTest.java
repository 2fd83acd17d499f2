package io.nups.apps.w2v;

import io.nups.apps.task.RecordingRun;
import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskSettings;
import io.nups.cluster.ClusterConfig;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on a corpus with planted topics: words of one topic must end up more similar to each other than random
 * pairs, on one node and on two nodes (relocation with the hottest keys replicated, localize-ahead, pooled
 * negatives), with the contract's reporting and export.
 */
class W2vTaskTest
{
    private static final int TOPICS = 8;
    private static final int WORDS_PER_TOPIC = 25;
    private static final W2vConfig CONFIG = W2vConfig.DEFAULT.withDim(16).withWindow(4).withNegative(5)
        .withMinCount(1).withSubsample(1e-3).withHeldOutEvery(10);
    private static final List<SynonymPair> SYNONYMS = PlantedTopics.sameTopicPairs(TOPICS, WORDS_PER_TOPIC, 100, 5);

    @TempDir
    static Path dir;
    private static Corpus corpus;
    /** Smaller, for two nodes: remote round trips on a loaded machine dominate their time. */
    private static Corpus small;

    @BeforeAll
    static void writeCorpus() throws IOException
    {
        corpus = CorpusReader.of(CONFIG).read(PlantedTopics.write(dir.resolve("topics.txt"), TOPICS, WORDS_PER_TOPIC,
            4000, 12, 3));
        small = CorpusReader.of(CONFIG).read(PlantedTopics.write(dir.resolve("small.txt"), TOPICS, WORDS_PER_TOPIC,
            2500, 12, 4));
    }

    @Test
    void oneNodeSeparatesSynonymsReportsEpochsAndExportsWord2vecFiles() throws IOException
    {
        final W2vTask task = new W2vTask(CONFIG, corpus, SYNONYMS);
        final TaskSettings settings = new TaskSettings(3, 2, 42, SamplingOptions.none(), false, 16);
        final RecordingRun run = new RecordingRun();
        final Path export = dir.resolve("export");
        final TaskResult result = assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final Nups.Builder builder = Nups.builder().threads(2);
            task.configure(builder, settings);
            try (ParameterServer ps = builder.start())
            {
                final TaskResult trained = task.train(ps, settings, run, false);
                task.export(ps, export);
                assertArrayEquals(task.vectors(ps).values(),
                    WordVectors.readBinary(export.resolve(W2vTask.BINARY_FILE)).values());
                return trained;
            }
        });
        final double auc = result.quality().get(W2vQuality.SYNONYM_AUC);
        assertTrue(auc > 0.85, "synonym AUC " + auc + "; " + run.lines);
        assertEquals(100.0, result.quality().get(W2vQuality.PAIRS));
        final List<EpochStats> epochs = result.epochs();
        assertEquals(3, epochs.size());
        assertEquals(epochs, run.epochs);
        assertEquals(List.of((long)corpus.train().size(), (long)corpus.train().size(), (long)corpus.train().size()),
            run.work);
        assertEquals(3L * corpus.train().size(), run.progress.get(), "progress adds up to every word of 3 epochs");
        assertTrue(epochs.get(2).loss() < epochs.get(0).loss() && epochs.get(0).loss() > 0,
            "loss falls: " + epochs);
        assertTrue(epochs.get(0).updates() > corpus.train().size(), "several pairs per word: " + epochs.get(0));
        assertEquals(result.quality(), epochs.get(2).metrics());
        assertTrue(epochs.get(0).metrics().isEmpty());
        assertTrue(run.lines.stream().anyMatch(l -> l.startsWith("neighbours of 't")), run.lines.toString());
        final WordVectors text = WordVectors.readText(export.resolve(W2vTask.TEXT_FILE));
        assertEquals(corpus.vocabulary().size(), text.words().size());
        assertEquals(corpus.vocabulary().word(0), text.words().get(0));
    }

    @Test
    void withoutSynonymsHeldOutCooccurrencesAreScored()
    {
        // Local sampling serves one negative per call: the other path of the worker.
        final W2vTask task = new W2vTask(CONFIG, corpus);
        final TaskSettings settings = new TaskSettings(2, 2, 7,
            SamplingOptions.none().withScheme(SamplingScheme.LOCAL), false, 16);
        final RecordingRun run = new RecordingRun();
        final TaskResult result = assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final Nups.Builder builder = Nups.builder().threads(2);
            task.configure(builder, settings);
            try (ParameterServer ps = builder.start())
            {
                return task.train(ps, settings, run, false);
            }
        });
        final double auc = result.quality().get(W2vQuality.COOCCURRENCE_AUC);
        assertTrue(auc > 0.75, "co-occurrence AUC " + auc + "; " + run.lines);
        assertEquals(W2vQuality.MAX_PAIRS, result.quality().get(W2vQuality.PAIRS));
        assertTrue(run.lines.stream().anyMatch(l -> l.startsWith("no synonym pairs given")), run.lines.toString());
    }

    @Test
    void twoNodesWithRelocationReplicasAndPooledNegativesSeparateSynonyms() throws Exception
    {
        final W2vTask[] tasks = {new W2vTask(CONFIG, small, SYNONYMS), new W2vTask(CONFIG, small, SYNONYMS)};
        final SamplingOptions pool = SamplingOptions.none().withScheme(SamplingScheme.POOL).withReuse(2);
        final TaskSettings settings = new TaskSettings(2, 2, 42, pool, true, 16);
        final HotKeys hot = HotKeys.topN(tasks[0].keyFrequencies(), 100);
        final int port = freePort();
        final ExecutorService nodes = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<TaskResult>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++)
            {
                final int rank = r;
                results.add(nodes.submit(() ->
                {
                    final Nups.Builder builder = Nups.builder().threads(2)
                        .cluster(ClusterConfig.explicit(rank, 2, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                        .transport(Nups.Transport.TCP).mode(Nups.Mode.RELOCATION)
                        .replication(ReplicationOptions.of(hot).withSyncsPerSecond(50))
                        .startupTimeout(Duration.ofSeconds(20)).waitTimeout(Duration.ofSeconds(20));
                    tasks[rank].configure(builder, settings);
                    try (ParameterServer ps = builder.start())
                    {
                        return tasks[rank].train(ps, settings, new RecordingRun(), false);
                    }
                }));
            }
            final TaskResult first = results.get(0).get(60, TimeUnit.SECONDS);
            final TaskResult second = results.get(1).get(60, TimeUnit.SECONDS);
            final double auc = first.quality().get(W2vQuality.SYNONYM_AUC);
            assertTrue(auc > 0.8, "synonym AUC on 2 nodes " + auc);
            assertEquals(first.quality(), second.quality(), "every node reports the same quality");
            assertEquals(first.epochs().get(1).loss(), second.epochs().get(1).loss(), "cluster-wide mean loss");
            final long pairs = first.epochs().get(0).updates() + second.epochs().get(0).updates();
            assertTrue(first.epochs().get(0).updates() > pairs / 3 && second.epochs().get(0).updates() > pairs / 3,
                "each node trains on about half: " + first.epochs().get(0) + ", " + second.epochs().get(0));
        }
        finally
        {
            nodes.shutdownNow();
            assertTrue(nodes.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void keyFrequenciesFollowTheReferencesExpectedAccessCounts()
    {
        final W2vTask task = new W2vTask(CONFIG, corpus);
        final long[] frequencies = task.keyFrequencies();
        final W2vKeys keys = new W2vKeys(corpus.vocabulary().size());
        assertEquals(keys.numKeys(), frequencies.length);
        assertEquals(0, frequencies[keys.sums()]);
        long inputs = 0;
        for (int w = 0; w < corpus.vocabulary().size(); w++)
        {
            assertEquals(corpus.vocabulary().count(w), frequencies[keys.input(w)]);
            assertTrue(frequencies[keys.output(w)] > frequencies[keys.input(w)]);
            inputs += frequencies[keys.input(w)];
        }
        assertEquals(corpus.train().size(), inputs);
        // the negatives' share of the output keys adds up to negative × W (up to rounding)
        long outputs = 0;
        for (int w = 0; w < corpus.vocabulary().size(); w++)
        {
            outputs += frequencies[keys.output(w)] - frequencies[keys.input(w)];
        }
        assertEquals(5.0 * corpus.train().size(), outputs, corpus.vocabulary().size());
        final double top = task.negativeDistribution().probability(keys.output(0));
        assertEquals(Math.pow(corpus.vocabulary().count(0), 0.75) / sumPowered(), top, 1e-9);
        assertEquals(0, task.negativeDistribution().probability(keys.input(0)));
    }

    private static double sumPowered()
    {
        double sum = 0;
        for (int w = 0; w < corpus.vocabulary().size(); w++)
        {
            sum += Math.pow(corpus.vocabulary().count(w), 0.75);
        }
        return sum;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
