package io.nups.apps.mf;

import io.nups.apps.task.RecordingRun;
import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.task.AppCluster;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskSettings;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.metrics.OpKind;
import io.nups.sample.SamplingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MfTask on one node and on two nodes in one JVM: SGD approaches the noise floor, figures are cluster-wide
 * (the same on every node, and equal to one node's for the same factors), and the export holds the factors.
 */
class MfTaskTest
{
    private static final double NOISE = 0.1;
    private static final int RANK = 8;
    private static final SparseMatrix DATA =
        ZipfMatrix.generate(new MatrixSpec(2000, 500, RANK, 100_000, 5_000, NOISE, 1.1, 11));
    private static final MfTaskConfig CONFIG = new MfTaskConfig(RANK, 0.03, 0.05, true, 200, 1);

    @Test
    void oneNodeTwoThreadsApproachesTheNoiseFloor(@TempDir final Path dir) throws Exception
    {
        final MfTask task = new MfTask(CONFIG, DATA);
        final RecordingRun run = new RecordingRun();
        final TaskSettings settings = settings(10, true);
        final TaskResult result;
        final Nups.Builder builder = Nups.builder().threads(2);
        task.configure(builder, settings);
        try (ParameterServer ps = builder.start())
        {
            result = task.train(ps, settings, run, false);
            task.export(ps, dir);
        }
        assertEquals(10, result.epochs().size());
        assertEquals(run.epochs, result.epochs());
        assertEquals(10L * DATA.train().size(), run.progress.get());
        final double first = result.epochs().get(0).metrics().get("rmse_test");
        final double last = result.quality().get("rmse_test");
        assertTrue(first > last, "test RMSE " + first + " -> " + last);
        assertTrue(last < 2.5 * NOISE, "test RMSE after 10 epochs " + last);
        assertEquals(List.of("rmse_train", "rmse_test", "mse_test"), List.copyOf(result.quality().keySet()));
        assertEquals(last * last, result.quality().get("mse_test"), 1e-9);
        assertTrue(result.quality().get("rmse_train") < 2.5 * NOISE);
        assertTrue(run.lines.get(1).startsWith("initial model: rmse_train"), run.lines.toString());

        final float[] rowFactors = readExport(dir.resolve(FactorExport.ROW_FILE), DATA.rows());
        final float[] colFactors = readExport(dir.resolve(FactorExport.COL_FILE), DATA.cols());
        double squaredError = 0;
        for (int cell = 0; cell < DATA.test().size(); cell++)
        {
            double prediction = 0;
            for (int k = 0; k < RANK; k++)
            {
                prediction += rowFactors[DATA.test().row(cell) * RANK + k] * colFactors[DATA.test().col(cell) * RANK + k];
            }
            squaredError += Math.pow(DATA.test().value(cell) - prediction, 2);
        }
        assertEquals(last, Math.sqrt(squaredError / DATA.test().size()), 1e-4, "RMSE of the exported factors");
    }

    @Test
    void twoNodesWithRelocationAndReplicatedColumnsApproachTheNoiseFloorAlike() throws Exception
    {
        final MfTask task = new MfTask(CONFIG, DATA);
        final HotKeys hot = HotKeys.topN(task.keyFrequencies(), 20);
        final int epochs = 8;
        final List<Outcome> outcomes = runCluster(2, epochs, true, builder -> builder
            .mode(Nups.Mode.RELOCATION).keyPermutation(3)
            .replication(ReplicationOptions.of(hot).withSyncsPerSecond(50)));
        final double first = outcomes.get(0).result.epochs().get(0).metrics().get("rmse_test");
        final double last = outcomes.get(0).result.quality().get("rmse_test");
        assertTrue(last < 3 * NOISE, "test RMSE on 2 nodes " + first + " -> " + last);
        assertEquals(outcomes.get(0).result.quality(), outcomes.get(1).result.quality(),
            "cluster-wide figures on every node");
        for (final Outcome outcome : outcomes)
        {
            // Each node localizes its 1,000-row block once, then its workers' columns ahead every epoch.
            assertTrue(outcome.localizedKeys > DATA.rows() / 2 + epochs * 100L,
                "keys localized on a node: " + outcome.localizedKeys);
        }
    }

    @Test
    void keyFrequenciesRankColumnsOnlySoThatReplicationPicksTheHottestColumns()
    {
        final MfTask task = new MfTask(CONFIG, DATA);
        final long[] frequencies = task.keyFrequencies();
        assertEquals(DATA.rows() + DATA.cols() + 1, frequencies.length);
        final int[] perColumn = DATA.train().countPer(DATA.cols(), true);
        for (int col = 0; col < DATA.cols(); col++)
        {
            assertEquals(perColumn[col], frequencies[DATA.rows() + col]);
        }
        for (int row = 0; row < DATA.rows(); row++)
        {
            assertEquals(0, frequencies[row]);
        }
        assertEquals(DATA.rows() + DATA.cols(), task.sumKey());
        assertEquals(0, frequencies[task.sumKey()]);
        int hottest = 0;
        for (int col = 1; col < DATA.cols(); col++)
        {
            hottest = perColumn[col] > perColumn[hottest] ? col : hottest;
        }
        assertEquals(DATA.rows() + hottest, HotKeys.topN(frequencies, 1).key(0));
    }

    @Test
    void clusterWideRmseEqualsOneNodesForTheSameFactors() throws Exception
    {
        // No epochs: the figures are those of the initial factors, which do not depend on the node count.
        final List<TaskResult> two = results(runCluster(2, 0, false, builder -> builder.mode(Nups.Mode.CLASSIC)));
        final List<TaskResult> one = results(runCluster(1, 0, false, builder -> builder));
        for (final String metric : List.of("rmse_train", "rmse_test", "mse_test"))
        {
            final double single = one.get(0).quality().get(metric);
            assertTrue(single > 0.5, metric + " of random factors " + single);
            assertEquals(single, two.get(0).quality().get(metric), 1e-5 * single, metric);
            assertEquals(single, two.get(1).quality().get(metric), 1e-5 * single, metric);
        }
    }

    /** What one node of a cluster run returns. */
    private record Outcome(TaskResult result, long localizedKeys)
    {
    }

    private static List<Outcome> runCluster(final int nodes, final int epochs, final boolean localizeAhead,
        final UnaryOperator<Nups.Builder> options) throws Exception
    {
        final TaskSettings settings = settings(epochs, localizeAhead);
        return AppCluster.runBuilders(nodes, Nups.Transport.TCP, builder -> options.apply(builder.threads(2)), builder ->
        {
            final MfTask task = new MfTask(CONFIG, DATA);
            task.configure(builder, settings);
            try (ParameterServer ps = builder.start())
            {
                final TaskResult result = task.train(ps, settings, new RecordingRun(), false);
                return new Outcome(result, ps.keys(OpKind.LOCALIZE));
            }
        }, Duration.ofSeconds(120));
    }

    private static List<TaskResult> results(final List<Outcome> outcomes)
    {
        return outcomes.stream().map(Outcome::result).toList();
    }

    private static TaskSettings settings(final int epochs, final boolean localizeAhead)
    {
        return new TaskSettings(epochs, 2, 7, SamplingOptions.none(), localizeAhead, 16);
    }

    private static float[] readExport(final Path file, final int count) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final String header = FactorExport.header(count, RANK);
        assertEquals(header, new String(bytes, 0, header.length(), StandardCharsets.US_ASCII));
        assertEquals(header.length() + 4L * count * RANK, bytes.length);
        final float[] values = new float[count * RANK];
        ByteBuffer.wrap(bytes, header.length(), bytes.length - header.length()).order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer().get(values);
        return values;
    }
}
