package io.nups.cli;

import io.nups.api.Nups;
import io.nups.apps.task.TaskRunner;
import io.nups.apps.task.TaskSettings;
import io.nups.apps.task.TrainingTask;
import io.nups.cluster.ClusterConfig;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What every {@code nups train TASK} command shares: the cluster, the mode and its knobs, replication, sampling,
 * epochs, threads, seed, and the run's outputs (summary, profile, export, checkpoint). A task's command extends
 * it with its own flags and builds the task in {@link #task()}.
 */
abstract class TrainTaskCommand implements Callable<Integer>
{
    static final String MODE = "--mode";
    static final String SAMPLING = "--sampling.strategy";

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    ReplicationFlags replication;

    @Option(names = MODE, paramLabel = TrainMode.NAMES, converter = ModeConverter.class, defaultValue = "nups",
        order = 1,
        description = "System variant (reference §5.5): single (one node), classic (static allocation, naive " +
            "sampling), lapse (relocation, preloc sampling, localize ahead), nups (the hottest keys replicated " +
            "(default 1000), relocation with localize ahead, local sampling). The flags below override a " +
            "variant's parts (default: ${DEFAULT-VALUE}).")
    TrainMode mode;

    @Option(names = "--epochs", paramLabel = "N", converter = Bounds.NonNegativeInt.class, order = 2,
        description = "Training epochs (default: the task's).")
    Integer epochs;

    @Option(names = "--threads", paramLabel = "T", converter = Bounds.PositiveInt.class, order = 3,
        description = "Worker threads per node (default: NUPS_THREADS from scripts/nups-local --threads, else 2).")
    Integer threads;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "23", order = 4,
        description = "Seed of the model and of every random draw (default: ${DEFAULT-VALUE}, the paper's first).")
    long seed;

    @Option(names = "--localize-ahead", paramLabel = "true|false", arity = "1", order = 5,
        description = "Relocate the keys a worker uses next ahead of use (KGE lookahead, w2v prelocalization, MF " +
            "column blocks) (default: on in the lapse and nups modes).")
    Boolean localizeAhead;

    @Option(names = SAMPLING, paramLabel = "naive|preloc|pool|local", converter = SchemeConverter.class, order = 6,
        description = "How negative samples are drawn (reference §3.3; onlylocal = local) (default: the mode's).")
    SamplingScheme sampling;

    @Option(names = "--sampling.group_size", paramLabel = "N", converter = Bounds.PositiveInt.class, order = 7,
        description = "pool: keys drawn and localized together (default: 250).")
    Integer groupSize;

    @Option(names = "--sampling.reuse", paramLabel = "U", converter = Bounds.PositiveInt.class, order = 8,
        description = "pool: uses of each drawn key (default: 1).")
    Integer reuse;

    @Option(names = "--sampling.postpone", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
        converter = ReplicationFlags.Switch.class, order = 9,
        description = "pool: a sample whose key is not local is postponed to the end of its group (default: off).")
    Boolean postpone;

    @Option(names = "--wait-timeout", paramLabel = "S", defaultValue = "1800", converter = Bounds.PositiveInt.class,
        order = 19, description = "Longest wait, in seconds, for any one operation or barrier, e.g. for the slowest " +
            "node to finish an epoch (default: ${DEFAULT-VALUE}); a lost node ends the run within seconds anyway.")
    int waitTimeout;

    @Option(names = "--summary", paramLabel = "FILE", order = 20,
        description = "Write a JSON run summary to FILE (rank 0): settings, per-epoch seconds, throughput and " +
            "loss, final quality, access statistics.")
    Path summary;

    @Option(names = "--profile", paramLabel = "DIR", order = 21,
        description = "Write HdrHistogram latency logs (.hlog interval log, .hgrm percentiles) of every node into DIR.")
    Path profile;

    @Option(names = "--latency-sampling", paramLabel = "N", defaultValue = "16", converter = Bounds.PowerOfTwo.class,
        order = 22, description = "Time 1 of every N parameter-server operations, a power of two (default: ${DEFAULT-VALUE}).")
    int latencySampling;

    @Option(names = "--export", paramLabel = "DIR", order = 23,
        description = "Export the trained model into DIR (rank 0): the task's embedding or factor files.")
    Path export;

    @Option(names = "--checkpoint", paramLabel = "DIR", order = 24,
        description = "Save the full model (values and optimizer state) to DIR/model.nupsckpt after training (rank 0).")
    Path checkpoint;

    @Option(names = "--resume", paramLabel = "DIR", order = 25,
        description = "Restore the model from DIR/model.nupsckpt (written by --checkpoint with the same data and " +
            "model flags) and train --epochs more.")
    Path resume;

    /** Builds the task from the command's own flags, reading its data. */
    abstract TrainingTask task();

    /** Epochs when {@code --epochs} is not given. */
    int defaultEpochs()
    {
        return 10;
    }

    @Override
    public Integer call()
    {
        final ClusterConfig config = cluster.config();
        if (mode == TrainMode.SINGLE && config.nodes() > 1)
        {
            throw fail(MODE + " single runs one node, but this cluster has " + config.nodes() + " (use classic, " +
                "lapse or nups, or start one process without cluster flags)");
        }
        final TrainingTask task = task();
        final SamplingOptions samplingOptions = samplingOptions();
        final TaskSettings settings = new TaskSettings(epochs != null ? epochs : defaultEpochs(),
            threads != null ? threads : ClusterOptions.defaultThreads(2), seed, samplingOptions,
            localizeAhead != null ? localizeAhead : mode.localizeAhead(), latencySampling);
        final Nups.Builder builder = Nups.builder().threads(settings.threads()).latencySampling(latencySampling)
            .waitTimeout(Duration.ofSeconds(waitTimeout));
        cluster.apply(builder, config).mode(mode.mode());
        task.configure(builder, settings);
        final ReplicationOptions replicated = replicatedKeys(task, config.nodes());
        if (replicated != null)
        {
            builder.replication(replicated);
        }
        if (profile != null)
        {
            builder.profile(profile);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final TrainProgress progress = new TrainProgress(out, System.console() != null, settings.epochs(),
            config.rank());
        final TaskRunner.Report report = TaskRunner.run(task, builder, settings, description(config, replicated),
            new TaskRunner.Outputs(summary, export, checkpoint, resume), progress);
        progress.finish(report);
        return 0;
    }

    private SamplingOptions samplingOptions()
    {
        final SamplingScheme scheme = sampling != null ? sampling : mode.sampling();
        if (scheme != SamplingScheme.POOL && (groupSize != null || reuse != null || postpone != null))
        {
            throw fail("--sampling.group_size, --sampling.reuse and --sampling.postpone need " + SAMPLING +
                " pool (it is " + scheme.name().toLowerCase(Locale.ROOT) + ")");
        }
        return new SamplingOptions(null, scheme, groupSize != null ? groupSize : SamplingOptions.DEFAULT_GROUP_SIZE,
            reuse != null ? reuse : 1, postpone != null && postpone, -1, -1, false, seed);
    }

    private ReplicationOptions replicatedKeys(final TrainingTask task, final int nodes)
    {
        final long[] frequencies = task.keyFrequencies();
        final int numKeys = frequencies.length;
        final int defaultCount = nodes > 1 ? mode.replicate() : 0;
        final ReplicationOptions options;
        try
        {
            options = replication.options(numKeys, numKeys, n -> HotKeys.topN(withoutSumKey(frequencies,
                task.sumKey()), n).toArray(), defaultCount, relation -> new int[] {task.relationKey(relation)});
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(ex.getMessage());
        }
        if (options != null && options.keys().contains(task.sumKey()))
        {
            throw fail("key " + task.sumKey() + " is the task's key for cluster-wide sums and cannot be replicated; " +
                "remove it from the replicated keys");
        }
        return options;
    }

    private static long[] withoutSumKey(final long[] frequencies, final int sumKey)
    {
        final long[] counts = frequencies.clone();
        counts[sumKey] = 0;
        return counts;
    }

    private Map<String, Object> description(final ClusterConfig config, final ReplicationOptions replicated)
    {
        final Map<String, Object> description = new LinkedHashMap<>();
        description.put("mode", mode.label());
        description.put("management", mode.mode().name().toLowerCase(Locale.ROOT));
        description.put("transport", config.nodes() == 1 ? "none" : cluster.transport().name().toLowerCase(Locale.ROOT));
        description.put("replicated_keys", replicated == null ? 0 : replicated.keys().size());
        description.put("sampling", (sampling != null ? sampling : mode.sampling()).name().toLowerCase(Locale.ROOT));
        description.put("localize_ahead", localizeAhead != null ? localizeAhead : mode.localizeAhead());
        description.put("wait_timeout_seconds", waitTimeout);
        description.put("command", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        return description;
    }

    ParameterException fail(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }

    static final class ModeConverter implements ITypeConverter<TrainMode>
    {
        @Override
        public TrainMode convert(final String text)
        {
            try
            {
                return TrainMode.valueOf(text.strip().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + text + "' is not a mode: expected " + TrainMode.NAMES);
            }
        }
    }

    static final class SchemeConverter implements ITypeConverter<SamplingScheme>
    {
        @Override
        public SamplingScheme convert(final String text)
        {
            final String name = text.strip().toUpperCase(Locale.ROOT);
            try
            {
                return SamplingScheme.valueOf(name.equals("ONLYLOCAL") ? "LOCAL" : name);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + text + "' is not a sampling strategy: expected naive, preloc, " +
                    "pool or local (onlylocal)");
            }
        }
    }
}
