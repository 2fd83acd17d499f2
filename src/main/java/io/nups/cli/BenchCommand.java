package io.nups.cli;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.bench.ZipfBench;
import io.nups.cluster.ClusterConfig;
import io.nups.manage.ReplicationOptions;
import io.nups.metrics.OpKind;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
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
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code nups bench}: a Zipf push/pull workload on one node or a cluster, the throughput and locality of
 * each node, and an exactness check at the end (see {@link ZipfBench}). Run one process per node, e.g.
 * {@code scripts/nups-local -n 2 -- bench --mode relocation}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Synthetic push/pull workload with Zipf-skewed key popularity, run by every worker thread of every node: " +
            "each operation pulls --keys-per-op keys drawn from Zipf(--zipf) (key 0 the hottest), waits, and " +
            "pushes +1 to every element of them. In relocation mode each worker localizes its next operation's " +
            "keys ahead of it. Replicated keys (--replicate N: keys 0 .. N-1, the most popular) are pulled and " +
            "pushed on each node's replica and synchronized in the background.",
        "Prints per node the operations per second, the share of pulls and pushes served without communication " +
            "and the pull latency; then all nodes meet and check that the sum of every key's values equals the " +
            "total pushed (after waiting for replica synchronization), printing PASS or FAIL (exit code 1). With " +
            "replication, each node also prints its sync rounds per second, keys and bytes per round and the " +
            "time of each round's steps; the check needs exact sums, so --rep.average_updates, " +
            "--rep.clip_updates and --rep.threshold > 0 are refused here.",
        "The cluster comes from the flags below, from scripts/nups-local or from Slurm; a single node otherwise."
    })
final class BenchCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Mixin
    private ClusterOptions cluster;

    @Mixin
    private ReplicationFlags replication;

    @Option(names = "--mode", paramLabel = "classic|relocation", converter = ModeConverter.class,
        defaultValue = "relocation", order = 107,
        description = "classic: keys stay at their home node (the static-PS baseline); relocation: keys move " +
            "to the node that localizes them (default: ${DEFAULT-VALUE}).")
    private Nups.Mode mode;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "100000", converter = Bounds.PositiveInt.class,
        description = "Data keys (default: ${DEFAULT-VALUE}).")
    private int keys;

    @Option(names = "--length", paramLabel = "L", defaultValue = "16", converter = Bounds.PositiveInt.class,
        description = "Floats per key (default: ${DEFAULT-VALUE}).")
    private int length;

    @Option(names = "--keys-per-op", paramLabel = "K", defaultValue = "8", converter = Bounds.PositiveInt.class,
        description = "Keys pulled and pushed by one operation (default: ${DEFAULT-VALUE}).")
    private int keysPerOp;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "100000", converter = Bounds.PositiveInt.class,
        description = "Operations per worker thread at most (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", converter = Bounds.PositiveDouble.class,
        description = "Seconds each worker works at most (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(names = "--zipf", paramLabel = "E", defaultValue = "1.1", converter = Bounds.PositiveDouble.class,
        description = "Zipf exponent of key popularity (default: ${DEFAULT-VALUE}, as in NuPS).")
    private double exponent;

    @Option(names = "--threads", paramLabel = "T", converter = Bounds.PositiveInt.class,
        description = "Worker threads per node (default: NUPS_THREADS from scripts/nups-local --threads, else 1).")
    private Integer threads;

    @Option(names = "--localize-ahead", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "In relocation mode, localize each operation's keys one operation ahead (default: on; " +
            "--no-localize-ahead for relocation without it).")
    private boolean localizeAhead;

    @Option(names = "--seed", defaultValue = "1",
        description = "Seed of the key draws (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--profile", paramLabel = "DIR",
        description = "Write HdrHistogram latency logs (.hlog, .hgrm) into DIR.")
    private Path profile;

    @Option(names = "--latency-sampling", paramLabel = "N", defaultValue = "16", converter = Bounds.PowerOfTwo.class,
        description = "Time 1 of every N parameter-server operations, a power of two (default: ${DEFAULT-VALUE}).")
    private int latencySampling;

    @Override
    public Integer call()
    {
        final ClusterConfig config = cluster.config();
        final int workerThreads = threads != null ? threads : ClusterOptions.defaultThreads(1);
        final boolean relocation = mode == Nups.Mode.RELOCATION;
        final ZipfBench.Settings settings;
        try
        {
            settings = new ZipfBench.Settings(keys, length, keysPerOp, ops,
                Duration.ofNanos((long)(seconds * 1e9)), exponent, relocation && localizeAhead, seed);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), "Invalid options: " + ex.getMessage(), ex);
        }
        final long maxPushes = settings.maxPushesPerKey(config.nodes(), workerThreads);
        if (maxPushes > ZipfBench.FLOAT_EXACT_LIMIT)
        {
            throw new ParameterException(spec.commandLine(), "--ops " + ops + " is too many for an exact check: " +
                config.nodes() + " nodes x " + workerThreads + " threads x " + ops + " ops x " + keysPerOp +
                " keys may push one key " + maxPushes + " times, above 2^24 = " + ZipfBench.FLOAT_EXACT_LIMIT +
                ", where float32 counts stop being exact; lower --ops (the --seconds bound still applies)");
        }
        final ZipfBench bench = new ZipfBench(settings);
        final ReplicationOptions replicated = replication.options(bench.keySpaceSize(config.nodes()), keys,
            ZipfBench::hottestKeys);
        final Nups.Builder builder = Nups.builder().threads(workerThreads).latencySampling(latencySampling);
        bench.keySpace(builder, config.nodes());
        if (replicated != null)
        {
            replication.requireExactSync("nups bench's exactness check");
            builder.replication(replicated);
        }
        cluster.apply(builder, config).mode(mode);
        if (profile != null)
        {
            builder.profile(profile);
        }
        final PrintWriter out = spec.commandLine().getOut();
        try (ParameterServer ps = builder.start())
        {
            out.printf("nups bench: node %d of %d, %s mode%s, %s | %,d keys x %d floats, Zipf(%.2f), %d keys/op, " +
                    "%d threads, at most %,d ops/worker and %.3g s%n",
                ps.rank(), ps.nodes(), relocation ? "relocation" : "classic",
                relocation ? (settings.localizeAhead() ? " with localize-ahead" : " without localize-ahead") : "",
                ps.nodes() == 1 ? "no transport" : "transport " + cluster.transport().name().toLowerCase(),
                keys, length, exponent, keysPerOp, workerThreads, (long)ops, seconds);
            if (replicated != null)
            {
                out.printf("replication: %,d of %,d keys on every node; %s%n", replicated.keys().size(), keys,
                    syncDescription(replicated));
            }
            out.flush();
            final long roundsBefore = ps.replicaRounds();
            final ZipfBench.Result result = bench.run(ps);
            final long rounds = ps.replicaRounds() - roundsBefore;
            final Histogram latency = result.latency();
            out.printf("node %d: %,d ops in %.2f s: %,.0f ops/s, %,.0f keys/s | local: %.1f%% of pulls, %.1f%% of " +
                    "pushes | pull latency us: p50 %.1f p99 %.1f p99.9 %.1f max %.1f%n",
                ps.rank(), result.operations(), result.seconds(), result.operationsPerSecond(),
                result.operationsPerSecond() * keysPerOp, percent(result.localPulls(), result.operations()),
                percent(result.localPushes(), result.operations()), micros(latency, 50), micros(latency, 99),
                micros(latency, 99.9), latency.getMaxValue() / 1e3);
            if (replicated != null)
            {
                out.printf("node %d: replicas served %.1f%% of the keys pulled and pushed%s%n", ps.rank(),
                    percent(result.replicaKeys(), result.pushedKeys()), syncFigures(ps, rounds, result.seconds()));
            }
            out.flush();
            final ZipfBench.Check check = bench.check(ps, result.pushedKeys());
            if (check.pass())
            {
                out.printf("exactness: PASS: node %d read every key back; sum of all values %,d = keys pushed " +
                        "by each node %s x %d floats%n",
                    ps.rank(), check.valueSum(), Arrays.toString(check.pushedPerNode()), length);
            }
            else
            {
                out.printf("exactness: FAIL: node %d: %s (keys pushed by each node %s x %d floats = %,d)%n",
                    ps.rank(), check.problem(), Arrays.toString(check.pushedPerNode()), length, check.expectedSum());
            }
            out.println();
            out.println(ps.latencySummary());
            out.flush();
            return check.pass() ? 0 : 1;
        }
    }

    private static String syncDescription(final ReplicationOptions options)
    {
        final String rate = options.pauseMillis() > 0 ? "a sync round every " + options.pauseMillis() + " ms of pause" :
            options.syncsPerSecond() > 0 ? options.syncsPerSecond() + " sync rounds/s" : "sync rounds back-to-back";
        return rate + ", threshold " + (options.threshold() < 0 ? "-1 (all keys)" : "0 (updated keys)");
    }

    /** "; sync during the run: R rounds/s | <the node's summary> | mean per round: collect ..." or nothing. */
    private static String syncFigures(final ParameterServer ps, final long rounds, final double seconds)
    {
        final String summary = ps.replicaSummary();
        if (summary == null)
        {
            return " (no synchronization: one node)";
        }
        return String.format("; sync during the run: %.2f rounds/s | %s | mean ms per round: collect %.3f, " +
                "exchange %.3f, apply %.3f", seconds > 0 ? rounds / seconds : 0, summary,
            ps.latency(OpKind.SYNC_COLLECT).getMean() / 1e6, ps.latency(OpKind.SYNC_EXCHANGE).getMean() / 1e6,
            ps.latency(OpKind.SYNC_APPLY).getMean() / 1e6);
    }

    private static double percent(final long part, final long whole)
    {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static double micros(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1e3;
    }

    static final class ModeConverter implements ITypeConverter<Nups.Mode>
    {
        @Override
        public Nups.Mode convert(final String text)
        {
            try
            {
                return Nups.Mode.valueOf(text.strip().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + text + "' is not a mode: expected classic or relocation");
            }
        }
    }
}
