package io.nups.node;

import io.nups.cluster.ClusterTable;
import io.nups.cluster.NodeAddress;
import io.nups.transport.ShmOptions;
import io.nups.transport.ShmTransport;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;
import io.nups.transport.rdma.RdmaOptions;
import io.nups.transport.rdma.RdmaStatus;
import io.nups.transport.rdma.RdmaTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Which transport connects the nodes ({@code --transport auto|tcp|shm|rdma}). {@code auto} picks shm when every
 * node runs on this host; otherwise rdma when the RDMA probe finds it usable and every node's address is one
 * DiSNI can connect, else tcp (one transport serves all peers). The choice and why are one log line per node.
 */
public enum TransportChoice
{
    AUTO, TCP, SHM, RDMA;

    private static final Logger LOG = LoggerFactory.getLogger(TransportChoice.class);

    /** Where shared-memory run directories go: /dev/shm, or the temporary directory where it is missing. */
    static final Path SHM_ROOT = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
        Path.of(System.getProperty("java.io.tmpdir"));

    /** A transport picked, and why, for the log. */
    record Decision(TransportChoice transport, String why)
    {
    }

    /** Parses a flag value, naming the valid ones on error. */
    public static TransportChoice parse(final String text)
    {
        try
        {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown transport '" + text + "': expected auto, tcp, shm or rdma", ex);
        }
    }

    /** The shared-memory run directory of the run {@code runId}. */
    static Path shmRunDirectory(final String runId)
    {
        return SHM_ROOT.resolve("nups-" + runId);
    }

    /**
     * Fails {@code --transport rdma} on a host where RDMA is not usable, before anything else starts, with the
     * probe's first failure and its fix.
     */
    void requireUsable(final RdmaStatus rdma)
    {
        if (this == RDMA && !rdma.usable())
        {
            throw new IllegalStateException("--transport rdma: RDMA is not usable on this host: " + rdma.reason() +
                "; run nups doctor for every check, or use --transport tcp or auto");
        }
    }

    /** What this choice comes to for {@code table}: refuses shm across hosts; auto decides as the class says. */
    Decision decide(final ClusterTable table, final Supplier<RdmaStatus> rdma)
    {
        final boolean allLocal = table.nodes().stream().allMatch(n -> n.hostId().equals(table.self().hostId()));
        switch (this)
        {
            case SHM ->
            {
                if (!allLocal)
                {
                    throw new IllegalArgumentException("--transport shm needs every node on one host, but " +
                        remoteNodes(table) + " run on other hosts: use --transport tcp, rdma or auto");
                }
                return new Decision(SHM, "--transport shm");
            }
            case TCP ->
            {
                return new Decision(TCP, "--transport tcp");
            }
            case RDMA ->
            {
                return new Decision(RDMA, "--transport rdma");
            }
            default ->
            {
                if (allLocal)
                {
                    return new Decision(SHM, "auto: every node is on this host");
                }
                final String others = remoteNodes(table) + " on other hosts";
                final RdmaStatus status = rdma.get();
                if (!status.usable())
                {
                    return new Decision(TCP, "auto: " + others + "; rdma unavailable: " + status.reason());
                }
                try
                {
                    RdmaTransport.checkAddresses(dataAddresses(table));
                }
                catch (final IllegalArgumentException ex)
                {
                    return new Decision(TCP, "auto: " + others + "; rdma unavailable: " + ex.getMessage());
                }
                return new Decision(RDMA, "auto: " + others + "; rdma usable here");
            }
        }
    }

    /**
     * Builds the transport for {@code table}, given the TCP transport this node already listens with (its
     * address is in the table). Closes {@code tcp} if another transport is chosen or the choice is refused.
     */
    Transport select(final ClusterTable table, final TcpTransport tcp, final ShmOptions shmOptions,
        final RdmaOptions rdmaOptions, final Supplier<RdmaStatus> rdma)
    {
        final Decision decision;
        try
        {
            decision = decide(table, rdma);
        }
        catch (final RuntimeException ex)
        {
            tcp.close();
            throw ex;
        }
        final String peers = table.size() == 1 ? "no peers" : "peers " + peerList(table);
        switch (decision.transport())
        {
            case SHM ->
            {
                tcp.close();
                final Path runDirectory = shmRunDirectory(table.runId());
                final Transport shm = new ShmTransport(table.rank(), table.size(), runDirectory, shmOptions);
                LOG.info("node {}: transport shm for {} ({}; run directory {})", table.rank(), peers, decision.why(),
                    runDirectory);
                return shm;
            }
            case RDMA ->
            {
                // The data port is free again for rdma_cm, whose port space is its own.
                tcp.close();
                final RdmaTransport transport = new RdmaTransport(table.rank(), table.size(), table.self().data(),
                    rdmaOptions);
                try
                {
                    transport.peerAddresses(dataAddresses(table));
                }
                catch (final RuntimeException ex)
                {
                    transport.close();
                    throw ex;
                }
                LOG.info("node {}: transport rdma for {} ({}; listening on {})", table.rank(), peers, decision.why(),
                    table.self().data());
                return transport;
            }
            default ->
            {
                tcp.peerAddresses(dataAddresses(table));
                LOG.info("node {}: transport tcp for {} ({}; listening on {})", table.rank(), peers, decision.why(),
                    table.self().data());
                return tcp;
            }
        }
    }

    private static List<InetSocketAddress> dataAddresses(final ClusterTable table)
    {
        return table.nodes().stream().map(NodeAddress::data).toList();
    }

    private static String peerList(final ClusterTable table)
    {
        final StringBuilder text = new StringBuilder();
        for (int rank = 0; rank < table.size(); rank++)
        {
            if (rank != table.rank())
            {
                final InetSocketAddress data = table.nodes().get(rank).data();
                text.append(text.length() == 0 ? "" : ", ").append(rank).append('@')
                    .append(data.getHostString()).append(':').append(data.getPort());
            }
        }
        return text.toString();
    }

    private static String remoteNodes(final ClusterTable table)
    {
        final StringBuilder text = new StringBuilder();
        for (int rank = 0; rank < table.size(); rank++)
        {
            if (!table.sameHost(rank))
            {
                text.append(text.length() == 0 ? "" : ", ").append(rank);
            }
        }
        return (text.indexOf(",") >= 0 ? "nodes " : "node ") + text;
    }
}
