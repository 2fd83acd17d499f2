package io.nups.node;

import io.nups.cluster.ClusterTable;
import io.nups.cluster.NodeAddress;
import io.nups.transport.ShmOptions;
import io.nups.transport.ShmTransport;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Which transport connects the nodes ({@code --transport auto|tcp|shm}). {@code auto} picks shm when every
 * node runs on this host and tcp otherwise (one transport serves all peers), and says so in one log line
 * per node.
 */
public enum TransportChoice
{
    AUTO, TCP, SHM;

    private static final Logger LOG = LoggerFactory.getLogger(TransportChoice.class);

    /** Where shared-memory run directories go: /dev/shm, or the temporary directory where it is missing. */
    static final Path SHM_ROOT = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") :
        Path.of(System.getProperty("java.io.tmpdir"));

    /** Parses a flag value, naming the valid ones on error. */
    public static TransportChoice parse(final String text)
    {
        try
        {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown transport '" + text + "': expected auto, tcp or shm", ex);
        }
    }

    /** The shared-memory run directory of the run {@code runId}. */
    static Path shmRunDirectory(final String runId)
    {
        return SHM_ROOT.resolve("nups-" + runId);
    }

    /**
     * Builds the transport for {@code table}, given the TCP transport this node already listens with (its
     * address is in the table). Closes {@code tcp} if another transport is chosen or the choice is refused.
     */
    Transport select(final ClusterTable table, final TcpTransport tcp, final ShmOptions shmOptions)
    {
        final boolean allLocal = table.nodes().stream().allMatch(n -> n.hostId().equals(table.self().hostId()));
        final TransportChoice chosen = this == AUTO ? (allLocal ? SHM : TCP) : this;
        if (chosen == SHM && !allLocal)
        {
            tcp.close();
            throw new IllegalArgumentException("--transport shm needs every node on one host, but " +
                remoteNodes(table) + " run on other hosts: use --transport tcp or auto");
        }
        final String peers = table.size() == 1 ? "no peers" : "peers " + peerList(table);
        if (chosen == SHM)
        {
            tcp.close();
            final Path runDirectory = shmRunDirectory(table.runId());
            final Transport shm = new ShmTransport(table.rank(), table.size(), runDirectory, shmOptions);
            LOG.info("node {}: transport shm for {} ({}; run directory {})", table.rank(), peers,
                this == AUTO ? "auto: every node is on this host" : "--transport shm", runDirectory);
            return shm;
        }
        final List<InetSocketAddress> addresses = table.nodes().stream().map(NodeAddress::data).toList();
        tcp.peerAddresses(addresses);
        LOG.info("node {}: transport tcp for {} ({}; listening on {})", table.rank(), peers,
            this == AUTO ? "auto: " + remoteNodes(table) + " on other hosts, rdma not built yet" : "--transport tcp",
            table.self().data());
        return tcp;
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
