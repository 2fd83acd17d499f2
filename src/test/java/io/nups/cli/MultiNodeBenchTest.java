package io.nups.cli;

import io.nups.TestJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nups bench} for real: {@code scripts/nups-local -n 3} starts three JVMs of the command line (from
 * the test class path, through NUPS_LOCAL_COMMAND, so no jar is built), which meet at the rendezvous,
 * connect over tcp or shm, run the Zipf workload (also with replicated hot keys) and the exactness check.
 * Every rank must report its throughput, its transport and PASS.
 */
class MultiNodeBenchTest
{
    private static final Path SCRIPT = Path.of("scripts", "nups-local").toAbsolutePath();
    private static final long BOUND_SECONDS = 150;
    private static final int NODES = 3;

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err)
    {
    }

    @Test
    void threeJvmsOverTcpInClassicModeWithPermutedKeysPass() throws Exception
    {
        final Run run = bench("--transport", "tcp", "--mode", "classic", "--permute-keys", "7");
        assertEveryRankPassed(run, "tcp", "classic mode");
    }

    @Test
    void threeJvmsOverShmInRelocationModeWithLocalizeAheadPass() throws Exception
    {
        final Run run = bench("--transport", "auto", "--mode", "relocation", "--threads", "2");
        assertEveryRankPassed(run, "shm", "relocation mode with localize-ahead");
        for (int rank = 0; rank < NODES; rank++)
        {
            assertTrue(run.err().contains("[r" + rank + "] ") &&
                run.err().contains("node " + rank + ": transport shm for peers") &&
                run.err().contains("auto: every node is on this host"), run.err());
        }
    }

    @Test
    void threeJvmsWithReplicatedHotKeysSyncThemAndPass() throws Exception
    {
        final Run run = bench("--transport", "tcp", "--mode", "relocation", "--permute-keys", "3",
            "--replicate", "30", "--rep.syncs_per_sec", "50");
        assertEveryRankPassed(run, "tcp", "relocation mode with localize-ahead");
        for (int rank = 0; rank < NODES; rank++)
        {
            final String prefix = "[r" + rank + "] ";
            assertTrue(run.out().contains(prefix + "replication: 30 of 3,000 keys on every node; 50.0 sync rounds/s"),
                run.out());
            assertTrue(run.out().matches("(?s).*\\Q" + prefix + "node " + rank + ": replicas served \\E[0-9.]+% .*" +
                "sync during the run: [0-9.]+ rounds/s \\| replica sync r" + rank + ": .* of 30 replicated keys.*"),
                run.out());
        }
    }

    private static void assertEveryRankPassed(final Run run, final String transport, final String mode)
    {
        assertEquals(0, run.exit(), run.out() + run.err());
        for (int rank = 0; rank < NODES; rank++)
        {
            final String prefix = "[r" + rank + "] ";
            assertTrue(run.out().contains(prefix + "nups bench: node " + rank + " of " + NODES + ", " + mode),
                run.out());
            assertTrue(run.out().matches("(?s).*\\Q" + prefix + "node " + rank + ": \\E[\\d,]+ ops in .* ops/s.*"),
                run.out());
            assertTrue(run.out().contains(prefix + "exactness: PASS: node " + rank), run.out());
            assertTrue(run.err().contains("node " + rank + ": transport " + transport + " for peers"), run.err());
        }
        assertTrue(!run.out().contains("FAIL"), run.out());
    }

    private Run bench(final String... flags) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString(), "-n", "" + NODES, "--",
            "bench", "--keys", "3000", "--length", "8", "--keys-per-op", "4", "--ops", "1500", "--seconds", "20"));
        command.addAll(List.of(flags));
        final Path out = dir.resolve("out.txt");
        final Path err = dir.resolve("err.txt");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().put("NUPS_LOCAL_COMMAND", launcher().toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("SLURM_") || name.startsWith("NUPS_R") ||
            name.equals("NUPS_NODES") || name.equals("NUPS_COORDINATOR"));
        final Process process = builder.start();
        if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("nups-local bench did not end within " + BOUND_SECONDS + " s:\n" +
                Files.readString(out) + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A stand-in for scripts/nups that runs the command line from this test's class path. */
    private Path launcher() throws IOException
    {
        final List<String> command = TestJvm.command(TestJvm.classPath());
        command.add(NupsCommand.class.getName());
        return TestJvm.launcher(dir.resolve("nups.sh"), command);
    }
}
