package io.nups.node;

import io.nups.cluster.ClusterConfig;
import io.nups.cluster.ClusterTable;
import io.nups.cluster.Rendezvous;
import io.nups.transport.ShmOptions;
import io.nups.transport.TcpOptions;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;
import io.nups.transport.rdma.RdmaOptions;
import io.nups.transport.rdma.RdmaProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Starts this process's node of a cluster: listens for the data transport, joins the {@link Rendezvous}
 * (which says that every node is up and gives all their addresses and a run id), picks the transport
 * ({@link TransportChoice}) and builds the {@link Node}, which connects to its peers. A single node needs
 * no transport and no network.
 *
 * <p>Every wait is bounded by the start-up timeout: the rendezvous, the TCP connections to all peers, the
 * shared-memory peers' files. Failures name the coordinator or the peer that was not reached, or the flag
 * that chose what could not be done (a data port in use, shm across hosts).
 */
public final class ClusterStart
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStart.class);
    /** Ring of each node's inbound shared-memory messages: messages up to 1/8 of it, 2 MiB. */
    private static final int SHM_RING_BYTES = 16 * 1024 * 1024;

    private ClusterStart()
    {
    }

    /**
     * Starts the node of {@code config.rank()}.
     *
     * @param startupTimeout bound on the rendezvous and on connecting to every peer
     */
    public static Node start(final ClusterConfig config, final TransportChoice choice, final NodeSettings settings,
        final Duration startupTimeout)
    {
        if (startupTimeout.isNegative() || startupTimeout.isZero())
        {
            throw new IllegalArgumentException("start-up timeout must be positive, got " + startupTimeout);
        }
        if (config.nodes() == 1)
        {
            LOG.info("node 0: single node, no transport{}",
                "single node".equals(config.source()) ? "" : " (from " + config.source() + ")");
            return new Node(settings);
        }
        // Fails --transport rdma on a host without RDMA now, not after every node waited in the rendezvous.
        if (choice == TransportChoice.RDMA)
        {
            choice.requireUsable(RdmaProbe.status());
        }
        final TcpTransport tcp = listen(config, startupTimeout);
        final ClusterTable table;
        final Transport transport;
        try
        {
            table = Rendezvous.join(config, tcp.listenAddress(), startupTimeout);
            transport = choice.select(table, tcp, ShmOptions.DEFAULT.withRingCapacity(SHM_RING_BYTES)
                .withStartTimeout(startupTimeout), RdmaOptions.DEFAULT.withConnectTimeout(startupTimeout),
                RdmaProbe::status);
        }
        catch (final RuntimeException ex)
        {
            tcp.close();
            throw ex;
        }
        LOG.debug("node {}: joined run {} of {} nodes", table.rank(), table.runId(), table.size());
        // The node starts the transport (connects to every peer, bounded) and closes it on failure.
        return new Node(settings, transport);
    }

    private static TcpTransport listen(final ClusterConfig config, final Duration startupTimeout)
    {
        try
        {
            return new TcpTransport(config.rank(), config.nodes(), new InetSocketAddress(config.dataPort()),
                TcpOptions.DEFAULT.withConnectTimeout(startupTimeout));
        }
        catch (final UncheckedIOException ex)
        {
            throw new IllegalStateException("node " + config.rank() + " cannot listen on data port " +
                (config.dataPort() == ClusterConfig.ANY_PORT ? "(any)" : config.dataPort()) + " given by " +
                config.source() + ": " + ex.getCause().getMessage() +
                "; choose another with --data-port, --base-port or the hostfile", ex);
        }
    }
}
