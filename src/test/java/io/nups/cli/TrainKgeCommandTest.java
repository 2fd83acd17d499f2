package io.nups.cli;

import io.nups.apps.kge.KgeConfig;
import io.nups.apps.kge.KgeDataset;
import io.nups.apps.kge.NamedTripleFiles;
import io.nups.apps.kge.Triples;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nups train kge}: a names data set end to end with export, the model flags, and refusals naming the flag. */
class TrainKgeCommandTest
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

    @Test
    void trainsOnANamesDataSetReportsLinkPredictionAndExports() throws IOException
    {
        final Path data = ring(dir.resolve("ring"));
        final Path export = dir.resolve("export");
        final Path summary = dir.resolve("run.json");
        assertEquals(0, run("--data", data.toString(), "--mode", "single", "--threads", "2", "--epochs", "3",
            "--model", "RESCAL", "--embed_dim", "4", "--neg_ratio", "2", "--eval_every", "2", "--export",
            export.toString(), "--summary", summary.toString()), err.toString());
        assertTrue(out.toString().contains("mrr"), out.toString());
        final String json = Files.readString(summary);
        assertTrue(json.contains("\"hits@10\"") && json.contains("\"raw_mrr\""), json);
        assertTrue(Files.readString(export.resolve("model.json")).contains("\"model\": \"rescal\""));
        assertEquals(30L * 4 * Float.BYTES, Files.size(export.resolve("entities.bin")));
        assertEquals(2L * 16 * Float.BYTES, Files.size(export.resolve("relations.bin")));
    }

    @Test
    void withoutDataItTrainsOnTheEmbeddedWordNetGraphOrOnASyntheticOne() throws IOException
    {
        final Path summary = dir.resolve("wordnet.json");
        assertEquals(0, run("--mode", "single", "--epochs", "0", "--eval", "false", "--embed_dim", "2",
            "--summary", summary.toString()), err.toString());
        // initialization pushed every key once: 116,787 entities + 18 relations of the WordNet graph
        assertTrue(out.toString().contains("of 116805 keys"), out.toString());
        final Path synthetic = dir.resolve("synthetic.json");
        assertEquals(0, run("--synthetic", "300,4,3000", "--mode", "single", "--epochs", "1", "--embed_dim", "4",
            "--summary", synthetic.toString()), err.toString());
        assertTrue(Files.readString(synthetic).contains("\"updates\": 3000"), Files.readString(synthetic));
    }

    @Test
    void badModelFlagsAndDataAreRefusedNamingTheProblem() throws IOException
    {
        final Path data = ring(dir.resolve("ring"));
        assertEquals(2, run("--data", data.toString(), "--model", "transe"));
        assertTrue(err.toString().contains("unknown KGE model 'transe': expected complex or rescal"), err.toString());
        assertEquals(2, run("--data", data.toString(), "--embed_dim", "5"));
        assertTrue(err.toString().contains("ComplEx needs an even dim >= 2"), err.toString());
        assertEquals(2, run("--data", dir.resolve("missing").toString()));
        assertTrue(err.toString().contains("missing: not a directory"), err.toString());
        assertEquals(2, run("--data", data.toString(), "--synthetic", "100,2,1000"));
        assertTrue(err.toString().contains("give --data or --synthetic, not both"), err.toString());
        assertEquals(2, run("--synthetic", "100,2"));
        assertTrue(err.toString().contains("--synthetic takes ENTITIES,RELATIONS,TRIPLES"), err.toString());
        assertEquals(2, run("--data", data.toString(), "--format", "csv"));
        assertTrue(err.toString().contains("unknown KGE data format"), err.toString());
    }

    @Test
    void defaultsAreTheReferenceToyDefaults()
    {
        final TrainKgeCommand command = new TrainKgeCommand();
        new CommandLine(command).parseArgs("--data", "x");
        final KgeConfig defaults = KgeConfig.defaults();
        assertEquals(defaults.model(), command.model);
        assertEquals(defaults.dim(), command.dim);
        assertEquals(defaults.learningRate(), command.eta);
        assertEquals(defaults.negatives(), command.negatives);
        assertEquals(defaults.entityRegularization(), command.gammaEntity);
        assertEquals(defaults.relationRegularization(), command.gammaRelation);
        assertEquals(defaults.initScale(), command.initScale);
        assertEquals(defaults.evalEvery(), command.evalEvery);
        assertEquals(defaults.evaluate(), command.evaluate);
    }

    private int run(final String... args)
    {
        return new CommandLine(new TrainKgeCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
    }

    /** 30 entities on a ring; relation 0 steps one ahead, relation 1 two; every tenth triple held out. */
    private static Path ring(final Path directory) throws IOException
    {
        final List<int[]> all = new ArrayList<>();
        for (int e = 0; e < 30; e++)
        {
            all.add(new int[] {e, 0, (e + 1) % 30});
            all.add(new int[] {e, 1, (e + 2) % 30});
        }
        final List<String> entities = new ArrayList<>();
        for (int e = 0; e < 30; e++)
        {
            entities.add("node" + e);
        }
        final KgeDataset dataset = new KgeDataset("ring", entities, List.of("next", "second"),
            triples(all, 0, 50), triples(all, 50, 55), triples(all, 55, 60));
        NamedTripleFiles.write(dataset, directory);
        return directory;
    }

    private static Triples triples(final List<int[]> rows, final int from, final int to)
    {
        final int n = to - from;
        final int[] h = new int[n];
        final int[] r = new int[n];
        final int[] t = new int[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = rows.get(from + i)[0];
            r[i] = rows.get(from + i)[1];
            t[i] = rows.get(from + i)[2];
        }
        return new Triples(h, r, t);
    }
}
