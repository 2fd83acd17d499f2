package io.nups.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in three JVMs (tcp on loopback, or shm in a fresh run directory); one is killed, and the others
 * end within 10 s naming it: while they relocate keys, and while replica sync rounds run back to back (there the
 * survivors learn of the loss in a round or in waitReplicaSync, whose timeout is 30 s).
 */
class PeerLossTest
{
    private static final int N = 3;

    @Test
    void aKilledNodeEndsTheRunOnEveryOtherNodeNamingItOverTcp() throws Exception
    {
        killOneOfThree(tcpArgs());
    }

    @Test
    void aKilledNodeEndsTheRunOnEveryOtherNodeNamingItOverShm(@TempDir final Path runs) throws Exception
    {
        overShm(runs, PeerLossTest::killOneOfThree);
    }

    @Test
    void aNodeKilledWhileReplicaSyncRoundsRunEndsEveryOtherNodeNamingItOverTcp() throws Exception
    {
        final List<String> args = new ArrayList<>(tcpArgs());
        args.add(NodeProcess.REPLICATE);
        killOneOfThree(args);
    }

    @Test
    void aNodeKilledWhileReplicaSyncRoundsRunEndsEveryOtherNodeNamingItOverShm(@TempDir final Path runs)
        throws Exception
    {
        overShm(runs, args ->
        {
            final List<String> replicating = new ArrayList<>(args);
            replicating.add(NodeProcess.REPLICATE);
            killOneOfThree(replicating);
        });
    }

    /** NodeProcess arguments for tcp on loopback ports that were free a moment ago. */
    private static List<String> tcpArgs() throws IOException
    {
        final StringJoiner ports = new StringJoiner(",");
        for (int i = 0; i < N; i++)
        {
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
            {
                ports.add(Integer.toString(probe.getLocalPort()));
            }
        }
        return List.of("tcp", ports.toString());
    }

    @FunctionalInterface
    private interface Run
    {
        void with(List<String> transportArgs) throws Exception;
    }

    /** Runs {@code run} with NodeProcess arguments for shm in a fresh run directory, removed afterwards. */
    private static void overShm(final Path runs, final Run run) throws Exception
    {
        final Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : runs;
        final Path runDirectory = base.resolve("nups-peerloss-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime());
        try
        {
            run.with(List.of("shm", runDirectory.toString(), Integer.toString(N)));
        }
        finally
        {
            // The killed node cannot remove its own files; the survivors may not have removed everything.
            if (Files.isDirectory(runDirectory))
            {
                try (var files = Files.list(runDirectory))
                {
                    for (final Path file : files.toList())
                    {
                        Files.deleteIfExists(file);
                    }
                }
                Files.deleteIfExists(runDirectory);
            }
        }
    }

    private static void killOneOfThree(final List<String> transportArgs)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> startThreeAndKillOne(transportArgs));
    }

    private static void startThreeAndKillOne(final List<String> transportArgs) throws Exception
    {
        final int n = N;
        final List<Process> processes = new ArrayList<>();
        final List<Path> errors = new ArrayList<>();
        try
        {
            for (int rank = 0; rank < n; rank++)
            {
                final Path err = Files.createTempFile("nups-node-" + rank, ".err");
                errors.add(err);
                final List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.add("@" + Path.of("scripts", "jvm.options").toAbsolutePath());
                if (Runtime.version().feature() >= 24)
                {
                    command.add("@" + Path.of("scripts", "jvm-24.options").toAbsolutePath());
                }
                command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    NodeProcess.class.getName(), Integer.toString(rank)));
                command.addAll(transportArgs);
                processes.add(new ProcessBuilder(command).redirectError(err.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.PIPE).start());
            }
            for (int rank = 0; rank < n; rank++)
            {
                awaitReady(processes.get(rank), rank, errors.get(rank));
            }
            Thread.sleep(500); // let the nodes exchange some keys first
            processes.get(1).destroyForcibly();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (final int survivor : new int[] {0, 2})
            {
                final Process process = processes.get(survivor);
                assertTrue(process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS),
                    "node " + survivor + " still runs 10 s after node 1 was killed");
                final String err = Files.readString(errors.get(survivor));
                assertEquals(1, process.exitValue(), err);
                assertTrue(err.contains("lost node 1"), "node " + survivor + " said: " + err);
            }
        }
        finally
        {
            for (final Process process : processes)
            {
                process.destroyForcibly();
            }
            for (final Path err : errors)
            {
                Files.deleteIfExists(err);
            }
        }
    }

    private static void awaitReady(final Process process, final int rank, final Path err) throws IOException
    {
        final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            if (out.ready())
            {
                if ("ready".equals(out.readLine()))
                {
                    return;
                }
            }
            else if (!process.isAlive())
            {
                throw new AssertionError("node " + rank + " exited with " + process.exitValue() + ": " +
                    Files.readString(err));
            }
            else
            {
                try
                {
                    Thread.sleep(20);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(ex);
                }
            }
        }
        throw new AssertionError("node " + rank + " not ready within 60 s: " + Files.readString(err));
    }
}
