package io.nups.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        final CommandLine commandLine = NupsCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void smallDemoTrainsAndReportsRmseLatencyAndMemory(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        final int exit = run("demo", "--rows", "2000", "--cols", "500", "--rank", "8", "--train-cells", "100000",
            "--test-cells", "5000", "--epochs", "3", "--threads", "2", "--profile", dir.toString());
        assertEquals(0, exit, err.toString());
        final String text = out.toString();
        assertTrue(text.contains("epoch  3/3"), text);
        assertTrue(text.matches("(?s).*test RMSE \\d\\.\\d{4} -> \\d\\.\\d{4}.*"), text);
        assertTrue(text.contains("local_pull") && text.contains("local_push"), text);
        assertTrue(text.contains("slots used"), text);
        assertTrue(Files.size(dir.resolve("nups-r0.hlog")) > 0);
    }

    @Test
    void helpListsTheCommands()
    {
        assertEquals(0, run("--help"));
        assertTrue(out.toString().contains("demo"), out.toString());
    }

    @Test
    void badFlagsNameTheFlagAndExitWithTwo()
    {
        assertEquals(2, run("demo", "--rows", "-5"));
        assertTrue(err.toString().contains("--rows") && err.toString().contains("-5"), err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, run("demo", "--latency-sampling", "3"));
        assertTrue(err.toString().contains("--latency-sampling"), err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, run("demo", "--rows", "10", "--cols", "10"));
        assertTrue(err.toString().contains("at most half"), err.toString());

        err.getBuffer().setLength(0);
        assertEquals(2, run("demo", "--no-such-flag"));
        assertTrue(err.toString().contains("--no-such-flag"), err.toString());
    }

    @Test
    void missingSubcommandIsAnError()
    {
        assertEquals(2, run());
        assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
    }

    @Test
    void runtimeFailuresPrintOneLineWithTheCauseAndExitWithOne()
    {
        final RuntimeException ex = new IllegalStateException("outer", new IllegalArgumentException("inner cause"));
        assertEquals("outer: inner cause", NupsCommand.describe(ex));
        // A profile directory that cannot be created fails at run time, not at parse time.
        final int exit = run("demo", "--rows", "2000", "--cols", "500", "--train-cells", "1000",
            "--test-cells", "10", "--epochs", "1", "--profile", "/proc/no-such-dir/x");
        assertEquals(1, exit, out + "\n" + err);
        assertTrue(err.toString().startsWith("nups: error: "), err.toString());
        assertTrue(err.toString().contains("/proc/no-such-dir"), err.toString());
    }
}
