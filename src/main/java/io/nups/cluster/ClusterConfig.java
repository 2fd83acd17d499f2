package io.nups.cluster;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a node finds its cluster: its rank, the node count, the coordinator (rank 0 listens there for the
 * {@link Rendezvous}) and the port its data transport should listen on. Built from one source:
 * <ul>
 *   <li>{@link #explicit explicit} values, e.g. command-line flags;</li>
 *   <li>a {@link #fromHostfile hostfile}, one {@code host[:port]} per line, line i for rank i;</li>
 *   <li>Slurm's environment ({@link #fromSlurm}), one task per node;</li>
 *   <li>the environment {@code scripts/nups-local} sets ({@link #fromLauncherEnvironment}).</li>
 * </ul>
 * With a hostfile or Slurm, one base port P lays out the ports: the coordinator listens on P on rank 0's
 * host and rank i's data transport on P + 1 + i, unless its hostfile line gives a port. Errors are
 * {@link ClusterException}s naming the file and line, or the variable and its value.
 */
public final class ClusterConfig
{
    /** Rank of this node, set by {@code scripts/nups-local}. */
    public static final String ENV_RANK = "NUPS_RANK";
    /** Node count, set by {@code scripts/nups-local}. */
    public static final String ENV_NODES = "NUPS_NODES";
    /** Coordinator {@code host:port}, set by {@code scripts/nups-local}. */
    public static final String ENV_COORDINATOR = "NUPS_COORDINATOR";
    /** Data port of this node (optional, default any free port), set by {@code scripts/nups-local --base-port}. */
    public static final String ENV_DATA_PORT = "NUPS_DATA_PORT";
    /** Worker threads per node, set by {@code scripts/nups-local --threads}; read by the job, not here. */
    public static final String ENV_THREADS = "NUPS_THREADS";

    /** Base port of hostfile and Slurm clusters: below Linux's ephemeral range, so outgoing connections miss it. */
    public static final int DEFAULT_BASE_PORT = 7300;
    /** Asks the operating system for any free port. */
    public static final int ANY_PORT = 0;

    private static final String SLURM_SOURCE = "Slurm";

    private final int rank;
    private final int nodes;
    private final HostPort coordinator;
    private final int dataPort;
    private final String dataHost;
    private final String source;

    private ClusterConfig(
        final int rank, final int nodes, final HostPort coordinator, final int dataPort, final String dataHost,
        final String source)
    {
        if (nodes < 1)
        {
            throw new ClusterException(source + ": node count " + nodes + " is not positive");
        }
        if (rank < 0 || rank >= nodes)
        {
            throw new ClusterException(source + ": rank " + rank + " is not in [0, " + nodes + ")");
        }
        final int port = coordinator.port();
        if (port < 0 || port > HostPort.MAX_PORT || port == ANY_PORT && nodes > 1)
        {
            throw new ClusterException(source + ": coordinator " + coordinator + " needs a port in [1, " +
                HostPort.MAX_PORT + "] (port 0 only for a single node)");
        }
        if (dataPort < 0 || dataPort > HostPort.MAX_PORT)
        {
            throw new ClusterException(
                source + ": data port " + dataPort + " is not in [0, " + HostPort.MAX_PORT + "]");
        }
        this.rank = rank;
        this.nodes = nodes;
        this.coordinator = coordinator;
        this.dataPort = dataPort;
        this.dataHost = dataHost;
        this.source = source;
    }

    /**
     * A cluster given explicitly.
     *
     * @param coordinator {@code host:port} of rank 0's coordinator
     * @param dataPort    port the data transport listens on, or {@link #ANY_PORT}
     */
    public static ClusterConfig explicit(final int rank, final int nodes, final String coordinator, final int dataPort)
    {
        final HostPort address = HostPort.parse(coordinator.strip());
        if (address == null || !address.hasPort())
        {
            throw new ClusterException("coordinator '" + coordinator + "' is not host:port");
        }
        return new ClusterConfig(rank, nodes, address, dataPort, null, "flags");
    }

    /** A cluster of this node alone; its rendezvous needs no network but the loopback. */
    public static ClusterConfig single()
    {
        return new ClusterConfig(0, 1, new HostPort("127.0.0.1", ANY_PORT), ANY_PORT, "127.0.0.1", "single node");
    }

    /**
     * A cluster from a hostfile: line i is rank i, rank 0's host is the coordinator's.
     *
     * @param rank     this node's rank; when empty, the one line naming this machine (by host name or
     *                 interface address) gives it
     * @param basePort the coordinator's port; rank i's data port is basePort + 1 + i unless its line gives one
     */
    public static ClusterConfig fromHostfile(final Path hostfile, final OptionalInt rank, final int basePort)
    {
        final List<Hostfile.Entry> entries = Hostfile.read(hostfile);
        final String source = "hostfile " + hostfile;
        checkBasePort(source, basePort, entries.size());
        final HostPort coordinator = new HostPort(entries.get(0).address().host(), basePort);
        final Map<String, String> used = new HashMap<>();
        used.put(coordinator.toString(), "the coordinator (base port " + basePort + " on rank 0's host)");
        for (int i = 0; i < entries.size(); i++)
        {
            final Hostfile.Entry entry = entries.get(i);
            final HostPort data = new HostPort(entry.address().host(), dataPort(entry, basePort, i));
            final String user = used.putIfAbsent(data.toString(), "line " + entry.line());
            if (user != null)
            {
                throw new ClusterException(hostfile + ":" + entry.line() + ": data address " + data +
                    " is already used by " + user);
            }
        }
        final int self = rank.isPresent() ? rank.getAsInt() : Hostfile.localRank(hostfile, entries);
        if (self < 0 || self >= entries.size())
        {
            throw new ClusterException(source + ": rank " + self + " is not in [0, " + entries.size() + ")");
        }
        return new ClusterConfig(self, entries.size(), coordinator, dataPort(entries.get(self), basePort, self),
            entries.get(self).address().host(), source);
    }

    /**
     * A cluster from Slurm's environment (inside {@code srun}, one task per node): SLURM_PROCID,
     * SLURM_NTASKS (or SLURM_NNODES), SLURM_STEP_NODELIST (or SLURM_JOB_NODELIST). Rank 0's host is the
     * coordinator's; ports as for a hostfile.
     */
    public static ClusterConfig fromSlurm(final Map<String, String> env, final int basePort)
    {
        final SlurmEnvironment slurm = SlurmEnvironment.read(env);
        checkBasePort(SLURM_SOURCE, basePort, slurm.hosts().size());
        return new ClusterConfig(slurm.rank(), slurm.hosts().size(), new HostPort(slurm.hosts().get(0), basePort),
            basePort + 1 + slurm.rank(), slurm.hosts().get(slurm.rank()), SLURM_SOURCE);
    }

    /**
     * A cluster from {@value #ENV_RANK}, {@value #ENV_NODES}, {@value #ENV_COORDINATOR} and (optional)
     * {@value #ENV_DATA_PORT}.
     */
    public static ClusterConfig fromLauncherEnvironment(final Map<String, String> env)
    {
        final int nodes = EnvironmentValues.integer(env, ENV_NODES, 1, Integer.MAX_VALUE);
        final int rank = EnvironmentValues.integer(env, ENV_RANK, 0, Integer.MAX_VALUE);
        if (rank >= nodes)
        {
            throw new ClusterException(ENV_RANK + "=" + rank + " is not in [0, " + ENV_NODES + "=" + nodes + ")");
        }
        final HostPort coordinator = EnvironmentValues.hostAndPort(env, ENV_COORDINATOR);
        final int dataPort = EnvironmentValues.integer(env, ENV_DATA_PORT, 0, HostPort.MAX_PORT, ANY_PORT);
        return new ClusterConfig(rank, nodes, coordinator, dataPort, null, "environment " + ENV_RANK + "/" +
            ENV_NODES + "/" + ENV_COORDINATOR);
    }

    /**
     * The cluster the environment describes: {@value #ENV_RANK} and friends when set (scripts/nups-local),
     * else Slurm's when SLURM_PROCID is set (inside srun), else none.
     */
    public static Optional<ClusterConfig> fromEnvironment(final Map<String, String> env, final int basePort)
    {
        if (env.containsKey(ENV_RANK))
        {
            return Optional.of(fromLauncherEnvironment(env));
        }
        if (env.containsKey(SlurmEnvironment.PROCID))
        {
            return Optional.of(fromSlurm(env, basePort));
        }
        return Optional.empty();
    }

    public int rank()
    {
        return rank;
    }

    public int nodes()
    {
        return nodes;
    }

    /** Rank 0's coordinator, unresolved: names are looked up on each connection attempt. */
    public InetSocketAddress coordinator()
    {
        return InetSocketAddress.createUnresolved(coordinator.host(), coordinator.port());
    }

    /** Port this node's data transport should listen on; {@link #ANY_PORT} for any free port. */
    public int dataPort()
    {
        return dataPort;
    }

    /** The host name peers should use for this node's data transport, when the source names it. */
    public Optional<String> dataHost()
    {
        return Optional.ofNullable(dataHost);
    }

    /** Where this configuration came from, for messages: "flags", "hostfile hosts.txt", "Slurm", ... */
    public String source()
    {
        return source;
    }

    @Override
    public String toString()
    {
        return "rank " + rank + " of " + nodes + ", coordinator " + coordinator + " (from " + source + ")";
    }

    private static int dataPort(final Hostfile.Entry entry, final int basePort, final int rank)
    {
        return entry.address().hasPort() ? entry.address().port() : basePort + 1 + rank;
    }

    private static void checkBasePort(final String source, final int basePort, final int nodes)
    {
        if (basePort < 1 || (long)basePort + nodes > HostPort.MAX_PORT)
        {
            throw new ClusterException(source + ": base port " + basePort + " leaves no room for " + nodes +
                " nodes (ports base .. base + nodes must be in [1, " + HostPort.MAX_PORT + "])");
        }
    }
}
