package io.nups.cli;

import io.nups.api.Nups;
import io.nups.cluster.ClusterConfig;
import io.nups.cluster.ClusterException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * The cluster options every multi-node command shares (a picocli mixin). Where a node learns its place,
 * first match wins:
 * <ol>
 *   <li>{@code --hostfile FILE} (with {@code --base-port}, and {@code --rank} when the host runs several
 *       nodes or its name is not in the file);</li>
 *   <li>{@code --rank}, {@code --nodes}, {@code --coordinator}, {@code --data-port}: each flag not given
 *       is taken from the environment below;</li>
 *   <li>the environment of {@code scripts/nups-local} (NUPS_RANK, NUPS_NODES, NUPS_COORDINATOR,
 *       NUPS_DATA_PORT), then Slurm's (inside {@code srun}, ports from {@code --base-port});</li>
 *   <li>otherwise a single node.</li>
 * </ol>
 * Errors are picocli parameter errors (exit 2) naming the flag or the environment variable.
 */
final class ClusterOptions
{
    /** The environment the defaults come from; tests replace it. */
    static Supplier<Map<String, String>> environment = System::getenv;

    static final String RANK = "--rank";
    static final String NODES = "--nodes";
    static final String COORDINATOR = "--coordinator";
    static final String DATA_PORT = "--data-port";
    static final String HOSTFILE = "--hostfile";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = RANK, paramLabel = "R", converter = Bounds.NonNegativeInt.class, order = 100,
        description = "This node's rank in [0, --nodes) (default: NUPS_RANK, Slurm's SLURM_PROCID, or the " +
            "hostfile line naming this host).")
    private Integer rank;

    @Option(names = NODES, paramLabel = "N", converter = Bounds.PositiveInt.class, order = 101,
        description = "Number of nodes (default: NUPS_NODES, Slurm's task count, the hostfile's lines, or 1).")
    private Integer nodes;

    @Option(names = COORDINATOR, paramLabel = "HOST:PORT", order = 102,
        description = "Where rank 0 listens for the other nodes at start (default: NUPS_COORDINATOR; with a " +
            "hostfile or Slurm: rank 0's host and --base-port).")
    private String coordinator;

    @Option(names = DATA_PORT, paramLabel = "PORT", converter = Port.class, order = 103,
        description = "Port this node's data transport listens on, 0 for any free port (default: " +
            "NUPS_DATA_PORT, else 0; with a hostfile or Slurm: base port + 1 + rank).")
    private Integer dataPort;

    @Option(names = HOSTFILE, paramLabel = "FILE", order = 104,
        description = "One host[:port] per line, line i is rank i, # starts a comment; rank 0's host is the " +
            "coordinator's.")
    private Path hostfile;

    @Option(names = "--base-port", paramLabel = "P", converter = Port.class, order = 105,
        defaultValue = "" + ClusterConfig.DEFAULT_BASE_PORT,
        description = "With a hostfile or Slurm: the coordinator listens on P, rank i on P + 1 + i " +
            "(default: ${DEFAULT-VALUE}).")
    private int basePort;

    @Option(names = "--transport", paramLabel = "auto|tcp|shm", converter = TransportConverter.class,
        defaultValue = "auto", order = 106,
        description = "Transport between nodes: shm (shared memory, every node on this host), tcp, or auto: " +
            "shm when every node is on this host, else tcp (default: ${DEFAULT-VALUE}).")
    private Nups.Transport transport;

    @Option(names = "--permute-keys", paramLabel = "SEED", order = 108,
        description = "Permute keys by a fixed random permutation with this seed before partitioning them " +
            "over the nodes, so hot key ranges spread out (default: no permutation).")
    private Long permuteKeys;

    Nups.Transport transport()
    {
        return transport;
    }

    /** The cluster configuration these flags and the environment give. */
    ClusterConfig config()
    {
        final Map<String, String> env = environment.get();
        if (hostfile != null)
        {
            return fromHostfile();
        }
        final Optional<ClusterConfig> fromEnv;
        try
        {
            fromEnv = ClusterConfig.fromEnvironment(env, basePort);
        }
        catch (final ClusterException ex)
        {
            throw fail("cannot read the cluster from the environment: " + ex.getMessage() +
                " (or give " + RANK + ", " + NODES + " and " + COORDINATOR + ")");
        }
        if (rank == null && nodes == null && coordinator == null && dataPort == null)
        {
            return fromEnv.orElseGet(ClusterConfig::single);
        }
        final int n = nodes != null ? nodes : fromEnv.map(ClusterConfig::nodes).orElse(1);
        final String coordinatorText = coordinator != null ? coordinator :
            fromEnv.map(c -> hostPort(c.coordinator())).orElse(null);
        if (n == 1 && coordinatorText == null)
        {
            if (rank != null && rank != 0)
            {
                throw fail(RANK + " " + rank + " is not in [0, " + NODES + " 1)");
            }
            return ClusterConfig.single();
        }
        final Integer r = rank != null ? rank : fromEnv.map(ClusterConfig::rank).orElse(null);
        if (r == null)
        {
            throw fail("missing " + RANK + ": give this node's rank in [0, " + n + ") with " + RANK + " R");
        }
        if (r >= n)
        {
            throw fail(RANK + " " + r + " is not in [0, " + NODES + " " + n + ")");
        }
        if (coordinatorText == null)
        {
            throw fail("missing " + COORDINATOR + " HOST:PORT: with " + NODES + " " + n + ", rank 0 listens there " +
                "for the other nodes (or give " + HOSTFILE + ", or run under scripts/nups-local or srun)");
        }
        final int port = dataPort != null ? dataPort : fromEnv.map(ClusterConfig::dataPort).orElse(ClusterConfig.ANY_PORT);
        try
        {
            return ClusterConfig.explicit(r, n, coordinatorText, port);
        }
        catch (final ClusterException ex)
        {
            throw fail("invalid " + COORDINATOR + ": " + ex.getMessage());
        }
    }

    private ClusterConfig fromHostfile()
    {
        if (coordinator != null)
        {
            throw fail(COORDINATOR + " does not go with " + HOSTFILE + ": the coordinator is rank 0's host (the " +
                "first line) at --base-port");
        }
        if (dataPort != null)
        {
            throw fail(DATA_PORT + " does not go with " + HOSTFILE + ": write the port on the host's line " +
                "(host:port), or let --base-port lay them out");
        }
        final ClusterConfig config;
        try
        {
            config = ClusterConfig.fromHostfile(hostfile, rank == null ? OptionalInt.empty() : OptionalInt.of(rank),
                basePort);
        }
        catch (final ClusterException ex)
        {
            throw fail(HOSTFILE + " " + hostfile + ": " + ex.getMessage());
        }
        if (nodes != null && nodes != config.nodes())
        {
            throw fail(NODES + " " + nodes + " disagrees with " + HOSTFILE + " " + hostfile + ", which lists " +
                config.nodes() + " nodes");
        }
        return config;
    }

    /** Applies the cluster, transport and key permutation to {@code builder}. */
    Nups.Builder apply(final Nups.Builder builder, final ClusterConfig config)
    {
        builder.cluster(config).transport(transport);
        if (permuteKeys != null)
        {
            builder.keyPermutation(permuteKeys);
        }
        return builder;
    }

    /** Worker threads: NUPS_THREADS (scripts/nups-local --threads) when set, else {@code otherwise}. */
    static int defaultThreads(final int otherwise)
    {
        final String value = environment.get().get(ClusterConfig.ENV_THREADS);
        if (value == null || value.isBlank())
        {
            return otherwise;
        }
        try
        {
            final int threads = Integer.parseInt(value.strip());
            if (threads > 0)
            {
                return threads;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new TypeConversionException(ClusterConfig.ENV_THREADS + "='" + value + "' is not a positive integer");
    }

    private ParameterException fail(final String message)
    {
        return new ParameterException(mixee.commandLine(), message);
    }

    private static String hostPort(final InetSocketAddress address)
    {
        final String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    static final class Port implements ITypeConverter<Integer>
    {
        @Override
        public Integer convert(final String text)
        {
            final Integer value = new Bounds.NonNegativeInt().convert(text);
            if (value > 65535)
            {
                throw new TypeConversionException("'" + text + "' is not a port in [0, 65535]");
            }
            return value;
        }
    }

    static final class TransportConverter implements ITypeConverter<Nups.Transport>
    {
        @Override
        public Nups.Transport convert(final String text)
        {
            try
            {
                return Nups.Transport.valueOf(text.strip().toUpperCase(Locale.ROOT));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TypeConversionException("'" + text + "' is not a transport: expected auto, tcp or shm");
            }
        }
    }
}
