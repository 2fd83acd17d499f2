package io.nups.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code nups train TASK}: the built-in training jobs; each task is a subcommand. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
        "Train a model on one node or a cluster (run one process per node, e.g. under scripts/nups-local).",
        "Every task takes the cluster flags, --mode single|classic|lapse|nups and its knobs, and the outputs " +
            "--summary, --profile, --export, --checkpoint, --resume; see nups train TASK --help."
    },
    subcommands = {TrainKgeCommand.class, TrainW2vCommand.class, TrainMfCommand.class})
final class TrainCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call()
    {
        throw new ParameterException(spec.commandLine(), "Missing task: nups train kge|w2v|mf [options]");
    }
}
