package io.nups.cluster;

import io.nups.cluster.RendezvousCodec.Hello;
import io.nups.cluster.RendezvousCodec.Member;
import io.nups.cluster.RendezvousCodec.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nups.cluster.RendezvousDescriptor.*;

/**
 * Cluster start-up: every node, rank 0 included, connects over TCP to the coordinator that rank 0 runs on
 * the coordinator port (thread {@value RendezvousCoordinator#THREAD_NAME}), says who it is (rank, node
 * count, data address, host id), and gets back the table of all nodes and a run id once every rank has
 * joined. So each node knows that all the others are up and that they agree, whatever the source of the
 * configuration. Connection attempts are retried with backoff within the timeout; every failure is a
 * {@link ClusterException} naming the unreachable coordinator, or the missing or conflicting ranks.
 *
 * <p>The data address a node announces: the one given, unless it is a wildcard address (bound on all
 * interfaces); then the host its configuration names for it (hostfile, Slurm), else for rank 0 the
 * coordinator's host, else the local address of its connection to the coordinator, the interface through
 * which it reaches rank 0.
 */
public final class Rendezvous
{
    private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);
    private static final long FIRST_BACKOFF_MS = 25;
    private static final long MAX_BACKOFF_MS = 500;
    /** Bound on one connection attempt, so a black-holed address is retried (its name looked up again). */
    private static final long MAX_ATTEMPT_MS = 2000;
    /**
     * A node waits this much longer for its reply than the timeout, so that when the coordinator gives up
     * first (its timeout started earlier) the node gets its message naming the missing ranks.
     */
    private static final Duration REPLY_GRACE = Duration.ofSeconds(2);

    private final ClusterConfig config;
    private final String coordinatorHost;
    private final int coordinatorPort;
    private final InetSocketAddress dataAddress;
    private final Duration timeout;
    private final long deadline;
    private final RendezvousCoordinator localCoordinator;

    private Rendezvous(
        final ClusterConfig config, final int coordinatorPort, final InetSocketAddress dataAddress,
        final Duration timeout, final long deadline, final RendezvousCoordinator localCoordinator)
    {
        this.config = config;
        this.coordinatorHost = config.coordinator().getHostString();
        this.coordinatorPort = coordinatorPort;
        this.dataAddress = dataAddress;
        this.timeout = timeout;
        this.deadline = deadline;
        this.localCoordinator = localCoordinator;
    }

    /**
     * Joins the cluster; rank 0 also runs the coordinator until every node has its reply.
     *
     * @param myDataAddress where this node's data transport listens, port resolved (bind it first)
     * @param timeout       bound on the whole rendezvous
     * @return the table every node received, with this node's rank
     * @throws ClusterException when the rendezvous fails or does not complete within the timeout
     */
    public static ClusterTable join(final ClusterConfig config, final InetSocketAddress myDataAddress,
        final Duration timeout)
    {
        if (myDataAddress.getPort() == 0)
        {
            throw new IllegalArgumentException("data address " + myDataAddress + " has no port: bind it first");
        }
        if (config.nodes() > MAX_NODES)
        {
            throw new IllegalArgumentException(config.nodes() + " nodes: the rendezvous serves at most " + MAX_NODES);
        }
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("rendezvous timeout " + timeout + " is not positive");
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        if (config.rank() != 0)
        {
            final int port = config.coordinator().getPort();
            return new Rendezvous(config, port, myDataAddress, timeout, deadline, null).join();
        }
        try (RendezvousCoordinator coordinator = RendezvousCoordinator.start(config, timeout))
        {
            final Rendezvous rendezvous = new Rendezvous(config, coordinator.port(), myDataAddress, timeout, deadline,
                coordinator);
            try
            {
                return rendezvous.join();
            }
            catch (final ClusterException ex)
            {
                // the coordinator may have failed before rank 0's own HELLO arrived, and so not told it why
                final String failure = coordinator.failure();
                throw failure == null || ex.getMessage().endsWith(failure) ? ex : rendezvous.refused(failure, ex);
            }
        }
    }

    private ClusterTable join()
    {
        try (Socket socket = connect())
        {
            final Member self = self(socket);
            final ByteBuffer hello = RendezvousCodec.encodeHello(new Hello(config.rank(), config.nodes(), self));
            final OutputStream out = socket.getOutputStream();
            out.write(hello.array(), 0, hello.limit());
            out.flush();
            final long replyWait = remainingMillis() + REPLY_GRACE.toMillis();
            socket.setSoTimeout((int)Math.max(1, Math.min(Integer.MAX_VALUE, replyWait)));
            final Table table = readReply(new DataInputStream(socket.getInputStream()));
            return check(table, self);
        }
        catch (final SocketTimeoutException ex)
        {
            throw fail("reached coordinator " + coordinator() + ", but the cluster table did not arrive within " +
                Durations.describe(timeout.plus(REPLY_GRACE)), ex);
        }
        catch (final EOFException ex)
        {
            throw fail("was dropped by coordinator " + coordinator() + " before it sent the cluster table " +
                "(did rank 0 fail?)", ex);
        }
        catch (final IOException ex)
        {
            throw fail("lost its connection to coordinator " + coordinator() + ": " + ex.getMessage(), ex);
        }
    }

    private Socket connect()
    {
        long backoff = FIRST_BACKOFF_MS;
        String lastError = "none";
        while (true)
        {
            if (localCoordinator != null && localCoordinator.failure() != null)
            {
                throw refused(localCoordinator.failure(), null);
            }
            final long remaining = remainingMillis();
            if (remaining <= 0)
            {
                throw fail("could not reach coordinator " + coordinator() + " within " + Durations.describe(timeout) +
                    " (last error: " + lastError + ")", null);
            }
            final InetSocketAddress address = new InetSocketAddress(coordinatorHost, coordinatorPort);
            if (address.isUnresolved())
            {
                lastError = "unknown host " + coordinatorHost;
            }
            else
            {
                final Socket socket = new Socket();
                try
                {
                    socket.setTcpNoDelay(true);
                    socket.connect(address, (int)Math.min(remaining, MAX_ATTEMPT_MS));
                    return socket;
                }
                catch (final IOException ex)
                {
                    lastError = ex.getMessage() != null ? ex.getMessage() : ex.toString();
                    closeQuietly(socket);
                }
            }
            sleep(Math.min(backoff, Math.max(1, remainingMillis())));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** This node's entry, with the data host chosen as the class comment says. */
    private Member self(final Socket socket)
    {
        final String host;
        if (dataAddress.isUnresolved())
        {
            host = dataAddress.getHostString();
        }
        else if (!dataAddress.getAddress().isAnyLocalAddress())
        {
            host = dataAddress.getAddress().getHostAddress();
        }
        else if (config.dataHost().isPresent())
        {
            host = config.dataHost().get();
        }
        else if (config.rank() == 0)
        {
            host = coordinatorHost;
        }
        else
        {
            host = socket.getLocalAddress().getHostAddress();
        }
        return new Member(host, dataAddress.getPort(), NodeAddress.localHostId());
    }

    private Table readReply(final DataInputStream in) throws IOException
    {
        final ByteBuffer header = allocateHeader();
        in.readFully(header.array());
        final String problem = checkHeader(header, config.nodes(), TYPE_TABLE, TYPE_ERROR);
        if (problem != null)
        {
            throw fail("got an unexpected answer from coordinator " + coordinator() + ": " + problem, null);
        }
        final ByteBuffer body = ByteBuffer.allocate(header.getInt(BODY_LENGTH_OFFSET)).order(ByteOrder.LITTLE_ENDIAN);
        in.readFully(body.array());
        try
        {
            if (header.getShort(TYPE_OFFSET) == TYPE_ERROR)
            {
                throw refused(RendezvousCodec.decodeError(body), null);
            }
            return RendezvousCodec.decodeTable(body, config.nodes());
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail("got a malformed reply from coordinator " + coordinator() + ": " + ex.getMessage(), ex);
        }
    }

    private ClusterTable check(final Table table, final Member self)
    {
        if (table.members().size() != config.nodes() || !table.members().get(config.rank()).equals(self))
        {
            throw fail("got a table of " + table.members().size() + " nodes from coordinator " + coordinator() +
                " whose rank " + config.rank() + " is not this node (another run's coordinator?)", null);
        }
        final List<NodeAddress> nodes = new ArrayList<>(table.members().size());
        for (final Member member : table.members())
        {
            nodes.add(new NodeAddress(new InetSocketAddress(member.host(), member.port()), member.hostId()));
        }
        final ClusterTable cluster = new ClusterTable(table.runId(), config.rank(), nodes);
        LOG.debug("rendezvous: rank {} of {} joined run {}", config.rank(), config.nodes(), table.runId());
        return cluster;
    }

    private String coordinator()
    {
        return new HostPort(coordinatorHost, coordinatorPort).toString();
    }

    private long remainingMillis()
    {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private ClusterException refused(final String reason, final Throwable cause)
    {
        return fail("failed to join at coordinator " + coordinator() + ": " + reason, cause);
    }

    private ClusterException fail(final String problem, final Throwable cause)
    {
        return new ClusterException("rank " + config.rank() + " " + problem, cause);
    }

    private void sleep(final long millis)
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw fail("was interrupted while joining the cluster at coordinator " + coordinator(), ex);
        }
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            LOG.debug("rendezvous: closing a failed connection attempt", ex);
        }
    }
}
