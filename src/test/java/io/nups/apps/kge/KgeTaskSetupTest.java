package io.nups.apps.kge;

import io.nups.apps.task.RecordingRun;
import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskRunner;
import io.nups.apps.task.TaskSettings;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KgeTask around training: key frequencies in the key layout, export files, resuming without initialization, a
 * server of the wrong key space, and RESCAL learning with local sampling over the entity range.
 */
class KgeTaskSetupTest
{
    private static final KgeDataset TINY = new KgeDataset("tiny", List.of("a", "b", "c", "d"), List.of("x", "y"),
        LinkRankerTest.triples(new int[][] {{0, 0, 1}, {1, 0, 2}, {2, 1, 0}, {0, 1, 0}}),
        LinkRankerTest.triples(new int[][] {{3, 0, 1}}), LinkRankerTest.triples(new int[][] {{0, 0, 3}}));

    @Test
    void keyFrequenciesCountEntitiesAsHeadOrTailAndRelationsAfterThem()
    {
        final KgeTask task = new KgeTask(TINY, KgeConfig.defaults());
        // entities 0..3, relations at 4 and 5, the sum key at 6; valid and test are not counted
        assertArrayEquals(new long[] {4, 2, 2, 0, 2, 2, 0}, task.keyFrequencies());
        assertEquals(6, task.sumKey());
        assertEquals(5, task.relationKey(1));
        assertThrows(IllegalArgumentException.class, () -> task.relationKey(2));
    }

    @Test
    void exportWritesTheEmbeddingsWithoutAccumulatorsAHeaderAndTheNames(@TempDir final Path dir) throws IOException
    {
        final KgeConfig config = KgeConfig.defaults().withModel(KgeConfig.Kind.RESCAL).withDim(3);
        final KgeTask task = new KgeTask(TINY, config);
        final TaskSettings settings = settings(0, SamplingOptions.none());
        final Nups.Builder builder = Nups.builder().threads(2);
        task.configure(builder, settings);
        try (ParameterServer ps = builder.start())
        {
            task.train(ps, settings, new RecordingRun(), false);
            task.export(ps, dir);
        }
        final KgeInit init = new KgeInit(new KgeKeys(new KgeKeyLayout(4, 2), config.createModel()), config, settings.seed());
        final float[] entities = floats(dir.resolve("entities.bin"));
        assertEquals(4 * 3, entities.length);
        final float[] expected = new float[2 * 3];
        for (int e = 0; e < 4; e++)
        {
            init.fill(e, expected, 0, 3);
            assertArrayEquals(java.util.Arrays.copyOf(expected, 3), java.util.Arrays.copyOfRange(entities, 3 * e,
                3 * e + 3), "entity " + e);
        }
        final float[] relations = floats(dir.resolve("relations.bin"));
        assertEquals(2 * 9, relations.length);
        final float[] relation = new float[2 * 9];
        init.fill(5, relation, 0, 9);
        assertArrayEquals(java.util.Arrays.copyOf(relation, 9), java.util.Arrays.copyOfRange(relations, 9, 18));
        final String header = Files.readString(dir.resolve("model.json"));
        assertTrue(header.contains("\"model\": \"rescal\"") && header.contains("\"dim\": 3") &&
            header.contains("\"dataset\": \"tiny\"") &&
            header.contains("\"entities\": {\"file\": \"entities.bin\", \"shape\": [4, 3]") &&
            header.contains("\"relations\": {\"file\": \"relations.bin\", \"shape\": [2, 9]") &&
            header.contains("\"dtype\": \"float32\"") && header.contains("\"byte_order\": \"little\""), header);
        assertEquals(List.of("a", "b", "c", "d"), Files.readAllLines(dir.resolve("entity_names.txt")));
        assertEquals(List.of("x", "y"), Files.readAllLines(dir.resolve("relation_names.txt")));
    }

    @Test
    void aResumedRunKeepsTheRestoredValuesInsteadOfInitializing()
    {
        // nothing restored: every value stays 0, every score ties, so every truth ranks first
        final KgeTask task = new KgeTask(TINY, KgeConfig.defaults());
        final TaskSettings settings = settings(0, SamplingOptions.none());
        final Nups.Builder builder = Nups.builder().threads(1);
        task.configure(builder, settings);
        try (ParameterServer ps = builder.start())
        {
            final TaskResult result = task.train(ps, settings, new RecordingRun(), true);
            assertEquals(1.0, result.quality().get("mrr"));
            assertEquals(1.0, result.quality().get("raw_hits@1"));
        }
    }

    @Test
    void theRunnerCheckpointsAndResumesTheTrainedModel(@TempDir final Path dir) throws IOException
    {
        final KgeDataset graph = GroupGraph.generate(100, 10, 2, 3, 5);
        final KgeTask task = new KgeTask(graph, KgeConfig.defaults().withDim(8));
        final TaskSettings trained = settings(3, SamplingOptions.none());
        final Nups.Builder first = Nups.builder().threads(2);
        task.configure(first, trained);
        final TaskRunner.Report report = TaskRunner.run(task, first, trained, java.util.Map.of(),
            new TaskRunner.Outputs(null, dir.resolve("export"), dir.resolve("ckpt"), null), new RecordingRun());
        assertTrue(Files.size(dir.resolve("export").resolve("entities.bin")) == 100L * 8 * Float.BYTES);
        // zero more epochs from the checkpoint: the same model, so the same test metrics
        final TaskSettings none = settings(0, SamplingOptions.none());
        final Nups.Builder second = Nups.builder().threads(2);
        task.configure(second, none);
        final TaskRunner.Report resumed = TaskRunner.run(task, second, none, java.util.Map.of(),
            new TaskRunner.Outputs(null, null, null, dir.resolve("ckpt")), new RecordingRun());
        // (not restored: all zeros, every truth ranks first; initialized again: the untrained model's metrics)
        assertEquals(report.result().quality(), resumed.result().quality());
        assertTrue(report.result().quality().get("mrr") < 1.0, report.result().quality().toString());
    }

    @Test
    void withEvaluationOffNothingIsRankedAndNoMetricIsReported()
    {
        final KgeTask task = new KgeTask(TINY, KgeConfig.defaults().withEvaluation(false));
        final TaskSettings settings = settings(2, SamplingOptions.none());
        final Nups.Builder builder = Nups.builder().threads(2);
        task.configure(builder, settings);
        try (ParameterServer ps = builder.start())
        {
            final TaskResult result = task.train(ps, settings, new RecordingRun(), false);
            assertTrue(result.quality().isEmpty(), result.quality().toString());
            assertEquals(2, result.epochs().size());
            assertTrue(result.epochs().get(1).metrics().isEmpty() && result.epochs().get(1).loss() > 0);
        }
    }

    @Test
    void aServerWithAnotherKeySpaceIsRefusedNamingBoth()
    {
        final KgeTask task = new KgeTask(TINY, KgeConfig.defaults());
        try (ParameterServer ps = Nups.builder().keys(7, 4).start())
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> task.train(ps, settings(1, SamplingOptions.none()), new RecordingRun(), false));
            assertEquals("the server's key space (7 keys, key 0 of 4 floats) is not this task's (7 keys, entities " +
                "of 20): start it from configure()", ex.getMessage());
        }
    }

    @Test
    void rescalLearnsTheGroupGraphWithLocalSamplingOverTheEntityRange()
    {
        final KgeDataset graph = GroupGraph.generate(200, 10, 2, 3, 3);
        final KgeTask task = new KgeTask(graph, KgeConfig.defaults().withModel(KgeConfig.Kind.RESCAL).withDim(12)
            .withLearningRate(0.3).withEvalEvery(0));
        final TaskSettings settings = settings(12, SamplingOptions.none().withScheme(SamplingScheme.LOCAL));
        final Nups.Builder builder = Nups.builder().threads(2);
        task.configure(builder, settings);
        try (ParameterServer ps = builder.start())
        {
            final TaskResult result = task.train(ps, settings, new RecordingRun(), false);
            assertTrue(result.quality().get("mrr") > 0.15, result.quality().toString()); // chance: about 0.03
            assertEquals("local (scan of [0, 200))", ps.samplingStats().scheme());
            assertEquals(12L * 2 * 6 * graph.train().size(), ps.samplingStats().samples(), "6 heads and 6 tails");
        }
    }

    @Test
    void aFailingWorkerStopsTheOthersAndItsCauseIsThrown()
    {
        final KgeDataset graph = GroupGraph.generate(100, 10, 2, 2, 5);
        final KgeTask task = new KgeTask(graph, KgeConfig.defaults());
        final TaskSettings settings = settings(5, SamplingOptions.none());
        final Nups.Builder builder = Nups.builder().threads(2);
        task.configure(builder, settings);
        final RecordingRun failing = new RecordingRun()
        {
            @Override
            public void epochFinished(final io.nups.apps.task.EpochStats stats)
            {
                throw new IllegalStateException("listener broke");
            }
        };
        try (ParameterServer ps = builder.start())
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> task.train(ps, settings, failing, false));
            assertEquals("nups-kge-r0-0 failed: listener broke", ex.getMessage());
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("nups-kge-")),
            "worker threads ended");
    }

    private static TaskSettings settings(final int epochs, final SamplingOptions sampling)
    {
        return new TaskSettings(epochs, 2, 9, sampling, false, 16);
    }

    private static float[] floats(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final float[] values = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(values);
        return values;
    }
}
