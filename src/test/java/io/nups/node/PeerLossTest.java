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
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in three JVMs (tcp on loopback, or shm in a fresh run directory); one is killed, and the others
 * end within 10 s naming it.
 */
class PeerLossTest
{
    private static final int N = 3;

    @Test
    void aKilledNodeEndsTheRunOnEveryOtherNodeNamingItOverTcp() throws Exception
    {
        final StringJoiner ports = new StringJoiner(",");
        for (int i = 0; i < N; i++)
        {
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
            {
                ports.add(Integer.toString(probe.getLocalPort()));
            }
        }
        killOneOfThree(List.of("tcp", ports.toString()));
    }

    @Test
    void aKilledNodeEndsTheRunOnEveryOtherNodeNamingItOverShm(@TempDir final Path runs) throws Exception
    {
        final Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : runs;
        final Path runDirectory = base.resolve("nups-peerloss-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime());
        try
        {
            killOneOfThree(List.of("shm", runDirectory.toString(), Integer.toString(N)));
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

    private void killOneOfThree(final List<String> transportArgs) throws Exception
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
            for (final int survivor : new int[] {0, 2})
            {
                final Process process = processes.get(survivor);
                assertTrue(process.waitFor(10, TimeUnit.SECONDS),
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
