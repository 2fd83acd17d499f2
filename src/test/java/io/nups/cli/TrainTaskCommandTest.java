package io.nups.cli;

import io.nups.apps.task.FitTask;
import io.nups.apps.task.TrainingTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared flags of {@code nups train TASK}, through a small real task. */
class TrainTaskCommandTest
{
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Command(name = "fit")
    static final class FitCommand extends TrainTaskCommand
    {
        @Override
        TrainingTask task()
        {
            return new FitTask(40, 10, seed);
        }

        @Override
        int defaultEpochs()
        {
            return 2;
        }
    }

    @BeforeEach
    void noLauncherEnvironment()
    {
        ClusterOptions.environment = Map::of;
    }

    @AfterEach
    void restoreEnvironment()
    {
        ClusterOptions.environment = System::getenv;
    }

    private int run(final String... args)
    {
        return new CommandLine(new FitCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
    }

    @Test
    void aSingleNodeRunPrintsEpochsQualityAndWritesTheSummary() throws Exception
    {
        final Path summary = dir.resolve("run.json");
        assertEquals(0, run("--mode", "single", "--summary", summary.toString(), "--threads", "1"), err.toString());
        final String text = out.toString();
        assertTrue(text.contains("epoch  1/2") && text.contains("epoch  2/2"), text);
        assertTrue(text.contains("quality: mse "), text);
        assertTrue(text.contains("access: 100.0% local"), text);
        final String json = Files.readString(summary);
        assertTrue(json.contains("\"mode\": \"single\"") && json.contains("\"sampling\": \"naive\"") &&
            json.contains("\"localize_ahead\": false") && json.contains("\"command\": \"--mode single --summary"),
            json);
    }

    @Test
    void theNupsPresetRelocatesLocalizesAheadAndSamplesLocally() throws Exception
    {
        final Path summary = dir.resolve("run.json");
        assertEquals(0, run("--summary", summary.toString(), "--epochs", "1"), err.toString());
        final String json = Files.readString(summary);
        assertTrue(json.contains("\"mode\": \"nups\"") && json.contains("\"management\": \"relocation\"") &&
            json.contains("\"sampling\": \"local\"") && json.contains("\"localize_ahead\": true") &&
            json.contains("\"replicated_keys\": 0"), json); // one node: nothing to replicate
    }

    @Test
    void knobsOverrideThePreset() throws Exception
    {
        final Path summary = dir.resolve("run.json");
        assertEquals(0, run("--mode", "lapse", "--sampling.strategy", "onlylocal", "--localize-ahead", "false",
            "--replicate", "5", "--wait-timeout", "60", "--summary", summary.toString(), "--epochs", "1"),
            err.toString());
        final String json = Files.readString(summary);
        assertTrue(json.contains("\"sampling\": \"local\"") && json.contains("\"localize_ahead\": false") &&
            json.contains("\"replicated_keys\": 5") && json.contains("\"wait_timeout_seconds\": 60"), json);
    }

    @Test
    void badFlagsAreRefusedNamingTheFlag()
    {
        assertEquals(2, run("--mode", "fast"));
        assertTrue(err.toString().contains("'fast' is not a mode: expected single|classic|lapse|nups"), err.toString());
        assertEquals(2, run("--mode", "single", "--nodes", "2", "--rank", "0", "--coordinator", "127.0.0.1:1"));
        assertTrue(err.toString().contains("--mode single runs one node, but this cluster has 2"), err.toString());
        assertEquals(2, run("--sampling.reuse", "4"));
        assertTrue(err.toString().contains("need --sampling.strategy pool (it is local)"), err.toString());
        assertEquals(2, run("--wait-timeout", "0"));
        assertTrue(err.toString().contains("--wait-timeout"), err.toString());
        assertEquals(2, run("--sampling.strategy", "random"));
        assertTrue(err.toString().contains("'random' is not a sampling strategy"), err.toString());
        assertEquals(2, run("--replicate-keys", write("40\n")));
        assertTrue(err.toString().contains("key 40 is the task's key for cluster-wide sums and cannot be replicated"),
            err.toString());
    }

    private String write(final String text)
    {
        try
        {
            final Path file = Files.writeString(dir.resolve("keys.txt"), text);
            return file.toString();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
