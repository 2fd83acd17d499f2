package io.nups.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code scripts/nups-local} itself. The ranks run a small shell script in place of scripts/nups
 * (NUPS_LOCAL_COMMAND), so the launcher's start-up, output forwarding and failure handling are tested
 * without building or starting JVMs.
 */
class NupsLocalScriptTest
{
    private static final Path SCRIPT = Path.of("scripts", "nups-local").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void helpPrintsUsage() throws Exception
    {
        final ScriptRun run = run(Map.of(), "--help");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("usage: scripts/nups-local -n N"), run.out());
        assertTrue(run.out().contains("--threads") && run.out().contains("--base-port"), run.out());
    }

    @Test
    void badArgumentsAreNamed() throws Exception
    {
        final ScriptRun zero = run(Map.of(), "-n", "0", "--", "x");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("nups-local: error: -n must be a positive integer, got '0'"), zero.err());

        final ScriptRun words = run(Map.of(), "-n", "two", "--", "x");
        assertEquals(2, words.exit());
        assertTrue(words.err().contains("got 'two'"), words.err());

        final ScriptRun noJob = run(Map.of(), "-n", "2");
        assertEquals(2, noJob.exit());
        assertTrue(noJob.err().contains("missing the job after --"), noJob.err());

        final ScriptRun unknown = run(Map.of(), "-n", "2", "--bogus", "--", "x");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown option '--bogus'"), unknown.err());

        final ScriptRun port = run(Map.of(), "-n", "4", "--base-port", "65533", "--", "x");
        assertEquals(2, port.exit());
        assertTrue(port.err().contains("--base-port 65533 leaves no room for 4 nodes"), port.err());
    }

    @Test
    void everyRankGetsItsEnvironmentAndItsOutputIsPrefixed() throws Exception
    {
        final Path rank = fakeRank(
            "echo \"rank $NUPS_RANK of $NUPS_NODES at $NUPS_COORDINATOR\" \\",
            "    \"threads $NUPS_THREADS data $NUPS_DATA_PORT: $*\"",
            "echo \"complaint $NUPS_RANK\" >&2");
        final ScriptRun run = run(Map.of("NUPS_LOCAL_COMMAND", rank.toString()),
            "-n", "3", "--threads", "2", "--base-port", "9100", "--", "job", "a b");
        assertEquals(0, run.exit(), run.err());
        for (int i = 0; i < 3; i++)
        {
            assertTrue(run.out().contains("[r" + i + "] rank " + i + " of 3 at 127.0.0.1:9100 threads 2 data " +
                (9101 + i) + ": job a b\n"), run.out());
            assertTrue(run.err().contains("[r" + i + "] complaint " + i + "\n"), run.err());
            assertFalse(run.out().contains("complaint"), "stderr stays stderr: " + run.out());
        }
    }

    @Test
    void aFailedRankStopsTheOthersAfterTheGraceAndIsNamed() throws Exception
    {
        final Path rank = fakeRank(
            "if [[ $NUPS_RANK == 1 ]]; then echo 'rank 1 gives up' >&2; exit 3; fi",
            "exec sleep 60");
        final long start = System.nanoTime();
        final ScriptRun run = run(Map.of("NUPS_LOCAL_COMMAND", rank.toString()), "-n", "3", "--grace", "1", "--", "job");
        assertEquals(3, run.exit(), run.err());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "the stop is not bounded");
        assertTrue(run.err().contains("[r1] rank 1 gives up"), run.err());
        assertTrue(run.err().contains("nups-local: rank 1 exited with code 3; waiting up to 1 s for the others"),
            run.err());
        assertTrue(run.err().contains("nups-local: rank 1 failed with exit code 3"), run.err());
        assertTrue(run.err().contains("nups-local: stopped rank(s) 0 2, still running 1 s after rank 1 failed"),
            run.err());
    }

    private Path fakeRank(final String... lines) throws IOException
    {
        final List<String> script = new ArrayList<>(List.of("#!/usr/bin/env bash"));
        script.addAll(List.of(lines));
        final Path file = dir.resolve("rank.sh");
        Files.write(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private ScriptRun run(final Map<String, String> env, final String... args) throws Exception
    {
        return ScriptRun.run(SCRIPT, dir, env, args);
    }
}
