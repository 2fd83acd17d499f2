package io.nups.apps.kge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Reads what the reference generator {@code gen_nups_synth.py kge} writes, generated small by the script itself
 * when it and python3 with numpy are there (skipped otherwise; {@link DelFilesTest} covers the same layout by
 * hand), and reproduces its {@code parameter.frequencies.tsv} byte for byte.
 */
class GenNupsSynthCompatibilityTest
{
    private static final Path SCRIPT = Path.of(System.getProperty("nups.genNupsSynth",
        "/work/shared/data/gen_nups_synth.py"));

    @TempDir
    Path dir;

    @Test
    void readsTheGeneratorsOutputAndWritesTheSameFrequencyFile() throws IOException, InterruptedException
    {
        assumeTrue(Files.isRegularFile(SCRIPT), "no " + SCRIPT);
        final Path out = dir.resolve("kge");
        final Process python;
        try
        {
            python = new ProcessBuilder("python3", SCRIPT.toString(), "kge", "--out", out.toString(), "--entities",
                "300", "--relations", "7", "--clusters", "10", "--n_train", "3000", "--n_valid", "40", "--n_test", "50")
                .redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile()).start();
        }
        catch (final IOException ex)
        {
            assumeTrue(false, "no python3: " + ex.getMessage());
            return;
        }
        assertTrue(python.waitFor(60, TimeUnit.SECONDS), "gen_nups_synth.py did not finish in 60 s");
        final String log = Files.readString(dir.resolve("python.log"));
        assumeTrue(python.exitValue() == 0 || !log.contains("No module named 'numpy'"), "no numpy");
        assertEquals(0, python.exitValue(), log);

        final KgeDataset dataset = KgeDataLoader.load(out);

        assertEquals(3000, dataset.train().size());
        assertEquals(40, dataset.valid().size());
        assertEquals(50, dataset.test().size());
        assertTrue(dataset.entities() <= 300 && dataset.relations() <= 7);
        assertEquals(0, KgeDataLoader.heldOutWithUnseen(dataset));
        final Path frequencies = dir.resolve(KgeFrequencies.FILE_NAME);
        KgeFrequencies.write(dataset.train(), KgeKeyLayout.of(dataset), frequencies);
        assertEquals(Files.readString(out.resolve(KgeFrequencies.FILE_NAME)), Files.readString(frequencies));
    }
}
