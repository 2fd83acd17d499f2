package io.nups.cli;

import io.nups.apps.mf.ZipfSampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nups bench} with replicated hot keys, two nodes in this JVM (one thread per node, as two processes
 * would run it): the exactness check must pass for replicated keys too, the replicas must serve the share of
 * accesses the Zipf distribution gives its top keys (so the replicated keys are really the hottest, also with
 * permuted keys), and every node reports its sync figures.
 */
class ReplicatedBenchTest
{
    private static final int KEYS = 2000;
    private static final int HOT = 50;
    private static final Pattern SERVED = Pattern.compile("replicas served ([0-9.]+)% of the keys");
    private static final Pattern RATE = Pattern.compile("sync during the run: ([0-9.]+) rounds/s");

    private record Run(int exit, String out, String err)
    {
    }

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

    @Test
    void twoNodesOverTcpReplicateTheHottestKeysAndRelocateTheRest()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final List<Run> runs = twoNodes("--transport", "tcp", "--mode", "relocation", "--permute-keys", "5",
                "--replicate", "" + HOT, "--rep.syncs_per_sec", "100");
            assertReplicatedRunPassed(runs, "relocation mode with localize-ahead", "100.0 sync rounds/s");
        });
    }

    @Test
    void twoNodesOverShmInClassicModeSyncBackToBackSendingAllKeys()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () ->
        {
            final List<Run> runs = twoNodes("--transport", "shm", "--mode", "classic", "--threads", "2",
                "--replicate", "" + HOT, "--rep.syncs_per_sec", "0", "--rep.threshold", "-1");
            assertReplicatedRunPassed(runs, "classic mode", "sync rounds back-to-back, threshold -1 (all keys)");
            for (final Run run : runs)
            {
                // threshold -1 sends every replicated key in every round
                assertTrue(run.out().contains("100.0% of " + HOT + " replicated keys"), run.out());
            }
        });
    }

    @Test
    void oneNodeServesReplicasLocallyWithoutSynchronization()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
        {
            final Run run = node(0, 1, null, "--replicate", "" + HOT);
            assertEquals(0, run.exit(), run.out() + run.err());
            assertTrue(run.out().contains("(no synchronization: one node)"), run.out());
            assertTrue(run.out().contains("exactness: PASS: node 0"), run.out());
        });
    }

    private static void assertReplicatedRunPassed(final List<Run> runs, final String mode, final String sync)
    {
        final double expected = 100 * zipfShareOfTopKeys();
        for (int rank = 0; rank < runs.size(); rank++)
        {
            final Run run = runs.get(rank);
            final String text = run.out();
            assertEquals(0, run.exit(), text + run.err());
            assertTrue(text.contains("nups bench: node " + rank + " of 2, " + mode), text);
            assertTrue(text.contains("replication: " + HOT + " of 2,000 keys on every node; " + sync), text);
            assertTrue(text.contains("exactness: PASS: node " + rank), text);
            final double served = Double.parseDouble(find(SERVED, text));
            assertTrue(Math.abs(served - expected) < 3, "node " + rank + ": replicas served " + served +
                "% of accessed keys, but Zipf(1.1) gives the top " + HOT + " keys " + expected + "%:\n" + text);
            assertTrue(Double.parseDouble(find(RATE, text)) > 0, text);
            assertTrue(text.matches("(?s).*mean ms per round: collect [0-9.]+, exchange [0-9.]+, apply [0-9.]+.*"),
                text);
        }
    }

    private static double zipfShareOfTopKeys()
    {
        final ZipfSampler sampler = new ZipfSampler(KEYS, 1.1);
        double share = 0;
        for (int key = 0; key < HOT; key++)
        {
            share += sampler.probability(key);
        }
        return share;
    }

    private static String find(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), "no '" + pattern + "' in:\n" + text);
        return matcher.group(1);
    }

    private static List<Run> twoNodes(final String... flags) throws Exception
    {
        final String coordinator = "127.0.0.1:" + freePort();
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try
        {
            final List<Future<Run>> futures = new ArrayList<>();
            for (int rank = 0; rank < 2; rank++)
            {
                final int r = rank;
                futures.add(pool.submit(() -> node(r, 2, coordinator, flags)));
            }
            final List<Run> runs = new ArrayList<>();
            for (final Future<Run> future : futures)
            {
                runs.add(future.get(100, TimeUnit.SECONDS));
            }
            return runs;
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static Run node(final int rank, final int nodes, final String coordinator, final String... flags)
    {
        final List<String> args = new ArrayList<>(List.of("bench", "--rank", "" + rank, "--nodes", "" + nodes,
            "--keys", "" + KEYS, "--length", "4", "--keys-per-op", "4", "--ops", "4000", "--seconds", "20"));
        if (coordinator != null)
        {
            args.addAll(List.of("--coordinator", coordinator));
        }
        args.addAll(List.of(flags));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = NupsCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exit = commandLine.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
