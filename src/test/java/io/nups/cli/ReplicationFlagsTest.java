package io.nups.cli;

import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The replication flags as a command parses them: NuPS's defaults, which keys each source gives, and every
 * bad value or combination failing with exit code 2 and the flag named.
 */
@Timeout(60)
class ReplicationFlagsTest
{
    /** 100 keys may be replicated in a key space of 104 (the bench adds counter keys the same way). */
    private static final int KEY_SPACE = 104;
    private static final int REPLICABLE = 100;

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    /** A command with nothing but the mixin; its call resolves the options against a reversed ranking. */
    @Command(name = "rep")
    static final class RepCommand implements Callable<Integer>
    {
        @Mixin
        ReplicationFlags flags;

        ReplicationOptions options;

        @Override
        public Integer call()
        {
            // a ranking unlike key order, so that a test can tell which ranking was used
            options = flags.options(KEY_SPACE, REPLICABLE, n -> IntStream.range(0, n).map(i -> REPLICABLE - 1 - i)
                .toArray());
            return 0;
        }
    }

    private RepCommand command;

    private int run(final String... args)
    {
        command = new RepCommand();
        final CommandLine commandLine = new CommandLine(command).setOverwrittenOptionsAllowed(true);
        commandLine.setErr(new PrintWriter(err, true));
        err.getBuffer().setLength(0);
        return commandLine.execute(args);
    }

    private ReplicationOptions parse(final String... args)
    {
        assertEquals(0, run(args), err.toString());
        return command.options;
    }

    private void assertFlagError(final String flag, final String expected, final String... args)
    {
        assertEquals(2, run(args), "exit code of " + String.join(" ", args));
        final String text = err.toString();
        assertTrue(text.contains(flag) && text.contains(expected), text);
    }

    @Test
    void replicateNTakesTheCommandsRankingWithNupsDefaults()
    {
        final ReplicationOptions options = parse("--replicate", "3");
        assertEquals(HotKeys.of(KEY_SPACE, 99, 98, 97), options.keys());
        assertEquals(25, options.syncsPerSecond());
        assertEquals(0, options.pauseMillis());
        assertEquals(0, options.threshold());
        assertFalse(options.average());
        assertEquals(0, options.clip());
        assertNull(parse(), "no flag: no replication");
        assertNull(parse("--replicate", "0"), "--replicate 0: none");
        assertNull(parse("--replicate", "0", "--rep.syncs_per_sec", "5"), "a sweep may pass --replicate 0");
    }

    @Test
    void syncFlagsSetRatePauseThresholdAveragingAndClipping()
    {
        assertEquals(0.2, parse("--replicate", "1", "--rep.syncs_per_sec", "0.2").syncsPerSecond());
        final ReplicationOptions backToBack = parse("--replicate", "1", "--rep.syncs_per_sec", "0");
        assertEquals(0, backToBack.syncsPerSecond());
        assertEquals(0, backToBack.pauseMillis());
        final ReplicationOptions paused = parse("--replicate", "1", "--rep.pause", "40");
        assertEquals(40, paused.pauseMillis());
        assertEquals(0, paused.syncsPerSecond(), "a pause replaces the default rate");
        assertEquals(Double.POSITIVE_INFINITY, parse("--replicate", "1", "--rep.threshold", "inf").threshold());
        assertEquals(-1, parse("--replicate", "1", "--rep.threshold", "-1").threshold());
        assertEquals(0.5, parse("--replicate", "1", "--rep.threshold", "0.5").threshold());
        assertTrue(parse("--replicate", "1", "--rep.average_updates").average());
        assertTrue(parse("--replicate", "1", "--rep.average_updates=1").average());
        assertFalse(parse("--replicate", "1", "--rep.average_updates=false").average());
        assertEquals(2, parse("--replicate", "1", "--rep.clip_updates", "2").clip());
    }

    @Test
    void keyListAndFrequencyFilesGiveTheirKeys() throws Exception
    {
        final Path list = Files.writeString(dir.resolve("keys.txt"), "# hot\n7\n3\n\n7\n");
        assertEquals(HotKeys.of(KEY_SPACE, 3, 7), parse("--replicate-keys", list.toString()).keys());

        final Path kge = Files.writeString(dir.resolve("parameter.frequencies.tsv"), "e 42 900\ne 5 700\ne 9 10\n");
        assertEquals(HotKeys.of(KEY_SPACE, 42, 5),
            parse("--replicate", "2", "--replicate-frequencies", kge.toString()).keys());

        final Path columns = Files.writeString(dir.resolve("train.mmc.bin.colfreqs.csv"),
            "count\tcolumn\n50\t11\n40\t2\n30\t60\n");
        assertEquals(HotKeys.of(KEY_SPACE, 11, 2, 60),
            parse("--replicate", "5", "--replicate-frequencies", columns.toString()).keys(),
            "asking for more than the file has takes all of it, as NuPS does");
    }

    @Test
    void badValuesNameTheFlag()
    {
        assertFlagError("--replicate", "'-1' is not an integer >= 0", "--replicate", "-1");
        assertFlagError("--replicate", "--replicate 101 exceeds the 100 keys", "--replicate", "101");
        assertFlagError("--rep.syncs_per_sec", "'-5' is not a number >= 0", "--replicate", "1",
            "--rep.syncs_per_sec", "-5");
        assertFlagError("--rep.pause", "'ten' is not an integer >= 0", "--replicate", "1", "--rep.pause", "ten");
        assertFlagError("--rep.threshold", "'-0.5' is not -1 (all keys), a number >= 0 or inf", "--replicate", "1",
            "--rep.threshold", "-0.5");
        assertFlagError("--rep.threshold", "'never' is not -1", "--replicate", "1", "--rep.threshold", "never");
        assertFlagError("--rep.clip_updates", "'-2' is not a number >= 0", "--replicate", "1",
            "--rep.clip_updates", "-2");
        assertFlagError("--rep.average_updates", "'maybe' is not true, false, 1 or 0", "--replicate", "1",
            "--rep.average_updates=maybe");
    }

    @Test
    void conflictingOrIncompleteFlagsAreNamed() throws Exception
    {
        final Path list = Files.writeString(dir.resolve("keys.txt"), "1\n");
        assertFlagError("--rep.syncs_per_sec", "not both", "--replicate", "1", "--rep.syncs_per_sec", "5",
            "--rep.pause", "100");
        assertFlagError("--rep.syncs_per_sec", "needs replicated keys: give --replicate N or --replicate-keys FILE",
            "--rep.syncs_per_sec", "5");
        assertFlagError("--rep.average_updates", "needs replicated keys", "--rep.average_updates");
        assertFlagError("--replicate-keys", "does not go with --replicate", "--replicate-keys", list.toString(),
            "--replicate", "3");
        assertFlagError("--replicate-frequencies", "needs --replicate N", "--replicate-frequencies",
            list.toString());
    }

    @Test
    void badFilesNameTheFlagTheFileAndTheLine() throws Exception
    {
        final Path list = Files.writeString(dir.resolve("keys.txt"), "1\n100\n");
        assertFlagError("--replicate-keys", "keys.txt:2", "--replicate-keys", list.toString());
        assertFlagError("--replicate-keys", "no-such-file", "--replicate-keys", dir.resolve("no-such-file").toString());

        final Path kge = Files.writeString(dir.resolve("parameter.frequencies.tsv"), "e 1 9\nr 0 5\n");
        assertFlagError("--replicate-frequencies", "parameter.frequencies.tsv:2", "--replicate", "1",
            "--replicate-frequencies", kge.toString());
        final Path columns = Files.writeString(dir.resolve("c.colfreqs.csv"), "count\tcolumn\n9\t100\n");
        assertFlagError("--replicate-frequencies", "c.colfreqs.csv:2", "--replicate", "1",
            "--replicate-frequencies", columns.toString());
        assertTrue(err.toString().contains("[0, 100)"), err.toString());
    }

    @Test
    void benchRefusesSyncOptionsUnderWhichItsExactCheckCannotHold()
    {
        final String[][] cases = {
            {"--rep.average_updates", "divides them by the node count"},
            {"--rep.clip_updates=2", "may clip them"},
            {"--rep.threshold=inf", "turns synchronization off"},
            {"--rep.threshold=0.5", "holds back keys"}};
        for (final String[] flagAndReason : cases)
        {
            final CommandLine commandLine = NupsCommand.commandLine();
            commandLine.setErr(new PrintWriter(err, true));
            err.getBuffer().setLength(0);
            assertEquals(2, commandLine.execute("bench", "--nodes", "1", "--keys", "100", "--replicate", "5",
                flagAndReason[0]), flagAndReason[0]);
            final String text = err.toString();
            assertTrue(text.contains("exactness check needs replicas that converge") &&
                text.contains(flagAndReason[0].split("=")[0]) && text.contains(flagAndReason[1]), text);
        }
    }
}
