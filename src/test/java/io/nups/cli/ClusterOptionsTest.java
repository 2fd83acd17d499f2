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

/** Cluster flags of {@code nups bench}: bad values fail at parse time (exit 2) with the flag named. */
class ClusterOptionsTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void noClusterInTheEnvironment()
    {
        ClusterOptions.environment = Map::of;
    }

    @AfterEach
    void realEnvironment()
    {
        ClusterOptions.environment = System::getenv;
    }

    private int run(final String... args)
    {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        final CommandLine commandLine = NupsCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    private void assertFlagError(final String flag, final String expected, final String... args)
    {
        assertEquals(2, run(args), out.toString());
        final String text = err.toString();
        assertTrue(text.contains(flag) && text.contains(expected), text);
    }

    @Test
    void unknownTransportNamesTheFlagAndTheValidValues()
    {
        assertFlagError("--transport", "'rdmax' is not a transport: expected auto, tcp, shm or rdma",
            "bench", "--transport", "rdmax");
        assertFlagError("--mode", "expected classic or relocation", "bench", "--mode", "replication");
    }

    @Test
    void rankOutsideTheNodesNamesBothFlags()
    {
        assertFlagError("--rank", "--rank 3 is not in [0, --nodes 3)",
            "bench", "--rank", "3", "--nodes", "3", "--coordinator", "127.0.0.1:7300");
        assertFlagError("--rank", "'-1' is not an integer >= 0", "bench", "--rank", "-1");
    }

    @Test
    void missingCoordinatorIsNamed()
    {
        assertFlagError("--coordinator", "missing --coordinator HOST:PORT", "bench", "--rank", "1", "--nodes", "2");
        assertFlagError("--coordinator", "is not host:port",
            "bench", "--rank", "1", "--nodes", "2", "--coordinator", "nowhere");
        assertFlagError("--rank", "missing --rank", "bench", "--nodes", "2", "--coordinator", "127.0.0.1:7300");
    }

    @Test
    void badPortsAndHostfilesAreNamed(@TempDir final Path dir) throws Exception
    {
        assertFlagError("--data-port", "not a port in [0, 65535]", "bench", "--data-port", "70000");
        final Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1\n127.0.0.1:bad\n");
        assertFlagError("--hostfile", "hosts:2", "bench", "--hostfile", hosts.toString(), "--rank", "0");
        Files.writeString(hosts, "127.0.0.1\n127.0.0.1\n");
        assertFlagError("--nodes", "disagrees with --hostfile",
            "bench", "--hostfile", hosts.toString(), "--rank", "0", "--nodes", "3");
        assertFlagError("--coordinator", "does not go with --hostfile",
            "bench", "--hostfile", hosts.toString(), "--coordinator", "a:1");
    }

    @Test
    void malformedLauncherEnvironmentNamesTheVariable()
    {
        ClusterOptions.environment = () -> Map.of("NUPS_RANK", "5", "NUPS_NODES", "2",
            "NUPS_COORDINATOR", "127.0.0.1:7300");
        assertFlagError("NUPS_RANK", "NUPS_RANK=5 is not in [0, NUPS_NODES=2)", "bench");
    }

    @Test
    void tooManyOperationsForAnExactCheckNameOps()
    {
        assertFlagError("--ops", "above 2^24", "bench", "--ops", "3000000", "--keys-per-op", "8");
    }

    @Test
    void singleNodeBenchRunsWithFlagsAndPasses()
    {
        assertEquals(0, run("bench", "--nodes", "1", "--keys", "500", "--length", "4", "--ops", "300",
            "--threads", "2", "--mode", "classic"), err.toString());
        assertTrue(out.toString().contains("node 0 of 1, classic mode, no transport"), out.toString());
        assertTrue(out.toString().contains("exactness: PASS: node 0"), out.toString());
    }
}
