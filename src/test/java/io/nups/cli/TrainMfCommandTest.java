package io.nups.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nups train mf} on a synthetic matrix and on a MatrixMarket data directory. */
class TrainMfCommandTest
{
    private static final String HEADER = "%%MatrixMarket matrix coordinate real general\n";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

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

    @Test
    void trainsASyntheticMatrixAndExportsItsFactors() throws Exception
    {
        final Path export = dir.resolve("model");
        assertEquals(0, run("--mode", "single", "--threads", "2", "--epochs", "6", "--rows", "1000", "--cols", "300",
            "--true-rank", "4", "--dim", "4", "--train-cells", "40000", "--test-cells", "2000", "--epsilon", "0.05",
            "--export", export.toString()), err.toString());
        final String text = out.toString();
        assertTrue(text.contains("epoch  6/6"), text);
        final String quality = text.substring(text.indexOf("quality:"));
        assertTrue(quality.startsWith("quality: rmse_train ") && quality.contains("rmse_test") &&
            quality.contains("mse_test"), text);
        final double rmseTest = firstTestRmse(quality);
        assertTrue(rmseTest < 0.3, "rmse_test " + rmseTest + " in " + text);
        assertEquals(Files.size(export.resolve("row_factors.f32")),
            "{\"rows\":1000,\"cols\":4,\"dtype\":\"float32\",\"order\":\"row-major\",\"byteOrder\":\"little\"}\n".length() +
                4L * 1000 * 4);
    }

    @Test
    void readsAMatrixMarketDirectoryAndNamesBadData() throws Exception
    {
        final Path data = Files.createDirectory(dir.resolve("mf"));
        Files.writeString(data.resolve("train.mmc"), HEADER + "3 2 3\n1 1 1.0\n2 2 0.5\n3 1 -1.0\n");
        Files.writeString(data.resolve("test.mmc"), HEADER + "3 2 1\n3 2 0.25\n");
        assertEquals(0, run("--mode", "single", "--threads", "1", "--epochs", "1", "--dim", "2", "--data",
            data.toString(), "--cache-dir", dir.resolve("cache").toString()), err.toString());
        assertTrue(out.toString().contains("cached 3 entries of " + data.resolve("train.mmc")), out.toString());
        assertTrue(out.toString().contains("quality: rmse_train"), out.toString());

        Files.writeString(data.resolve("train.mmc"), HEADER + "3 2 1\n4 1 1.0\n");
        assertEquals(2, run("--mode", "single", "--threads", "1", "--data", data.toString()));
        assertTrue(err.toString().contains(data.resolve("train.mmc") + ":3: row index 4 out of range; expected 1..3"),
            err.toString());
    }

    @Test
    void aResumedRunContinuesFromTheCheckpointedFactors() throws Exception
    {
        final String[] matrix = {"--mode", "single", "--threads", "2", "--rows", "600", "--cols", "200",
            "--true-rank", "4", "--dim", "4", "--train-cells", "20000", "--test-cells", "1000", "--epsilon", "0.05"};
        final Path checkpoint = dir.resolve("ckpt");
        assertEquals(0, run(concat(matrix, "--epochs", "6", "--checkpoint", checkpoint.toString())), err.toString());
        final double trained = firstTestRmse(out.toString().substring(out.toString().indexOf("quality:")));
        out.getBuffer().setLength(0);
        assertEquals(0, run(concat(matrix, "--epochs", "1", "--resume", checkpoint.toString())), err.toString());
        final String resumed = out.toString();
        final double initial = firstTestRmse(resumed.substring(resumed.indexOf("initial model:")));
        assertEquals(trained, initial, 1e-3, "the resumed run starts from the trained factors: " + resumed);
    }

    /** The figure after the first line's {@code rmse_test}. */
    private static double firstTestRmse(final String text)
    {
        return Double.parseDouble(text.replaceAll("(?s)^[^\\n]*?rmse_test[ =:]*([0-9.]+).*", "$1"));
    }

    private static String[] concat(final String[] first, final String... more)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private int run(final String... args)
    {
        return new CommandLine(new TrainMfCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
    }
}
