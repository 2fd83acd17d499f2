package io.nups.apps.task;

import io.nups.api.Nups;
import io.nups.sample.SamplingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskRunnerTest
{
    private static final int KEYS = 50;

    @TempDir
    Path dir;

    @Test
    void aSingleNodeRunWritesSummaryExportAndACheckpointThatResumesToTheSameModel() throws Exception
    {
        final FitTask task = new FitTask(KEYS, 40, 5);
        final Path summary = dir.resolve("out/summary.json");
        final TaskRunner.Report trained = runOne(task, 3, new TaskRunner.Outputs(summary, dir.resolve("export"),
            dir.resolve("ckpt"), null));
        final double mse = trained.result().quality().get("mse");
        assertTrue(mse < 1e-3, "3 epochs of SGD fit the values, mse " + mse);
        final String json = Files.readString(summary);
        assertTrue(json.contains("\"task\": \"fit\""), json);
        assertTrue(json.contains("\"updates\": 2000"), json); // 50 keys x 40 observations per epoch
        assertTrue(json.contains("\"mse\": "), json);
        assertTrue(json.contains("\"share_local\": 1"), json);
        assertEquals(3, ((List<?>)trained.summary().get("epochs")).size());
        assertEquals(KEYS, Files.readAllLines(dir.resolve("export/values.tsv")).size());

        // resume with 0 epochs: the restored model has the trained model's error exactly
        final TaskRunner.Report resumed = runOne(task, 0, new TaskRunner.Outputs(null, dir.resolve("export2"), null,
            dir.resolve("ckpt")));
        assertEquals(mse, resumed.result().quality().get("mse"));
        assertEquals(3, resumed.summary().get("resumed_after_epochs"));
        assertEquals(Files.readString(dir.resolve("export/values.tsv")),
            Files.readString(dir.resolve("export2/values.tsv")), "values and optimizer state restored");
    }

    @Test
    void aCorruptTruncatedOrForeignCheckpointIsRefusedNamingTheFileAndTheProblem() throws Exception
    {
        final FitTask task = new FitTask(KEYS, 4, 5);
        runOne(task, 1, new TaskRunner.Outputs(null, null, dir.resolve("ckpt"), null));
        final Path file = dir.resolve("ckpt/model.nupsckpt");
        final byte[] good = Files.readAllBytes(file);

        final byte[] flipped = good.clone();
        flipped[flipped.length - 20] ^= 1;
        Files.write(file, flipped);
        assertRefused(task, "is corrupt: checksum");

        Files.write(file, java.util.Arrays.copyOf(good, good.length - 30));
        assertRefused(task, "is truncated");

        Files.write(file, good);
        assertRefused(new FitTask(KEYS + 1, 4, 5), "holds 51 keys; this model has 52");

        Files.delete(file);
        assertRefused(task, "does not exist");
    }

    @Test
    void twoNodesTotalTheirUpdatesAndShareOneQuality() throws Exception
    {
        final FitTask task = new FitTask(KEYS, 40, 5);
        final TaskSettings settings = settings(2);
        final List<TaskRunner.Report> reports = AppCluster.runBuilders(2, Nups.Transport.TCP, b ->
        {
            task.configure(b, settings);
            return b.threads(settings.threads()).mode(Nups.Mode.RELOCATION);
        }, b -> TaskRunner.run(task, b, settings, Map.of(), TaskRunner.Outputs.NONE, new RecordingRun()),
            Duration.ofSeconds(90));
        for (final TaskRunner.Report report : reports)
        {
            final List<?> epochs = (List<?>)report.summary().get("epochs");
            assertEquals(2, epochs.size());
            for (final Object epoch : epochs)
            {
                assertEquals(2000L, ((Map<?, ?>)epoch).get("updates"), "both nodes' updates totalled");
            }
            assertEquals(reports.get(0).result().quality(), report.result().quality());
            final Map<?, ?> access = (Map<?, ?>)report.summary().get("access");
            assertEquals(reports.get(0).summary().get("access"), access);
            assertTrue((double)access.get("share_remote") > 0, "half the keys live on the other node: " + access);
        }
    }

    private void assertRefused(final FitTask task, final String expected)
    {
        final UncheckedIOException ex = assertThrows(UncheckedIOException.class, () -> runOne(task, 0,
            new TaskRunner.Outputs(null, null, null, dir.resolve("ckpt"))));
        assertTrue(ex.getMessage().contains(expected) && ex.getMessage().contains("model.nupsckpt"), ex.getMessage());
    }

    private static TaskRunner.Report runOne(final FitTask task, final int epochs, final TaskRunner.Outputs outputs)
    {
        final TaskSettings settings = settings(epochs);
        final Nups.Builder builder = Nups.builder().threads(settings.threads());
        task.configure(builder, settings);
        return TaskRunner.run(task, builder, settings, Map.of("mode", "single"), outputs, new RecordingRun());
    }

    private static TaskSettings settings(final int epochs)
    {
        return new TaskSettings(epochs, 2, 7, SamplingOptions.none(), false, 1);
    }
}
