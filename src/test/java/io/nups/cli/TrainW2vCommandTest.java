package io.nups.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nups train w2v} end to end on one node: flags, summary with the quality score, export, bad input. */
class TrainW2vCommandTest
{
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

    private int run(final String... args)
    {
        return NupsCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void trainsScoresSynonymsAndExportsBothFormats() throws IOException
    {
        final Path corpus = topics(dir.resolve("c.txt"));
        final Path synonyms = Files.writeString(dir.resolve("syn.txt"), "# same topic\na0 a1\na2 a3\n\nb0 b1\n");
        final Path summary = dir.resolve("run.json");
        final Path export = dir.resolve("export");
        assertEquals(0, run("train", "w2v", "--mode", "single", "--threads", "2", "--epochs", "2",
            "--corpus", corpus.toString(), "--synonyms", synonyms.toString(), "--embed_dim", "12", "--window", "3",
            "--negative", "4", "--min_count", "1", "--subsample", "0", "--summary", summary.toString(),
            "--export", export.toString()), err.toString());
        final String json = Files.readString(summary);
        assertTrue(json.contains("\"synonym_auc\"") && json.contains("\"pairs\": 3"), json);
        assertTrue(out.toString().contains("neighbours of '"), out.toString());
        assertTrue(Files.readAllLines(export.resolve("vectors.txt")).get(0).endsWith(" 12"));
        assertTrue(Files.size(export.resolve("vectors.bin")) > 0);
    }

    @Test
    void aCorpusThatIsNotUtf8IsReportedWithFileAndLine() throws IOException
    {
        final Path bad = dir.resolve("bad.txt");
        Files.write(bad, new byte[] {'a', ' ', 'b', '\n', (byte)0xFF, 'x'});
        assertEquals(1, run("train", "w2v", "--mode", "single", "--corpus", bad.toString(), "--min_count", "1"));
        assertTrue(err.toString().contains(bad + ":2: invalid UTF-8"), err.toString());
    }

    @Test
    void aBadSynonymLineAndBadHyperparametersAreRefused() throws IOException
    {
        final Path corpus = topics(dir.resolve("c.txt"));
        final Path synonyms = Files.writeString(dir.resolve("syn.txt"), "a0 a1\na2 a3 a4\n");
        assertEquals(1, run("train", "w2v", "--mode", "single", "--corpus", corpus.toString(), "--synonyms",
            synonyms.toString()));
        assertTrue(err.toString().contains(synonyms + ":2: expected two words"), err.toString());
        assertEquals(2, run("train", "w2v", "--mode", "single", "--corpus", corpus.toString(), "--alpha", "-1"));
        assertTrue(err.toString().contains("learning rate alpha must be finite and > 0, got -1.0"), err.toString());
    }

    /** Lines of words of one of two topics (a0..a9 or b0..b9). */
    private static Path topics(final Path file) throws IOException
    {
        final SplittableRandom random = new SplittableRandom(1);
        final StringBuilder text = new StringBuilder();
        for (int line = 0; line < 600; line++)
        {
            final char topic = random.nextBoolean() ? 'a' : 'b';
            for (int i = 0; i < 8; i++)
            {
                text.append(topic).append(random.nextInt(10)).append(i < 7 ? ' ' : '\n');
            }
        }
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
