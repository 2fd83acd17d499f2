package io.nups.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code nups} command line: one subcommand per task. Flag errors get picocli's message and usage (exit
 * 2); runtime failures one line {@code nups: error: ...} (exit 1), with the stack trace under {@code --verbose}.
 */
@Command(
    name = "nups",
    mixinStandardHelpOptions = true,
    versionProvider = NupsVersion.class,
    description = "A parameter server for machine learning with non-uniform parameter access.",
    subcommands = {DemoCommand.class, BenchCommand.class, TrainCommand.class, DoctorCommand.class})
public final class NupsCommand implements Callable<Integer>
{
    static final String VERBOSE = "--verbose";

    @Spec
    private CommandSpec spec;

    @SuppressWarnings("unused") // read from the parse result, wherever it was given
    @Option(names = VERBOSE, scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    private boolean verbose;

    public static void main(final String[] args)
    {
        System.setProperty("chronicle.analytics.disable", "true");
        System.exit(commandLine().execute(args));
    }

    /** The command line with nups' error handling; tests redirect its output with setOut/setErr. */
    public static CommandLine commandLine()
    {
        return new CommandLine(new NupsCommand()).setExecutionExceptionHandler(NupsCommand::reportFailure)
            .setOverwrittenOptionsAllowed(true); // a later flag wins, so scripts can append overrides
    }

    @Override
    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    private static int reportFailure(final Exception ex, final CommandLine command, final ParseResult parsed)
    {
        final PrintWriter err = command.getErr();
        err.println("nups: error: " + describe(ex));
        if (verbose(parsed))
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    /** The exception's message, followed by its causes' messages where they add something. */
    static String describe(final Throwable ex)
    {
        final StringBuilder text = new StringBuilder(ex.getMessage() != null ? ex.getMessage() : ex.toString());
        for (Throwable cause = ex.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause())
        {
            final String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
            if (text.indexOf(message) < 0)
            {
                text.append(": ").append(message);
            }
        }
        return text.toString().replace('\n', ' ');
    }

    private static boolean verbose(final ParseResult parsed)
    {
        for (ParseResult level = parsed; level != null; level = level.subcommand())
        {
            if (level.hasMatchedOption(VERBOSE))
            {
                return true;
            }
        }
        return false;
    }
}
