package io.nups.cluster;

import io.nups.cluster.RendezvousCodec.Hello;
import io.nups.cluster.RendezvousCodec.Member;
import io.nups.cluster.RendezvousCodec.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nups.cluster.RendezvousDescriptor.*;

/**
 * Rank 0's side of the {@link Rendezvous}: a small server on the coordinator port, run by one daemon
 * thread. It takes one HELLO per rank, checks that they agree (node count, rank in range, no rank twice),
 * and when all ranks are in sends every node the table and a fresh run id; when they disagree, or the
 * timeout passes first, it sends every node that joined an ERROR saying why. A connection that is not a
 * nups node (a port scanner, an HTTP request) is logged and closed; the rendezvous goes on.
 */
final class RendezvousCoordinator implements AutoCloseable
{
    static final String THREAD_NAME = "nups-rendezvous";

    private static final Logger LOG = LoggerFactory.getLogger(RendezvousCoordinator.class);
    /** Bound on handing the replies to the nodes once all joined; they are a few KiB. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(5);
    /** Bound on stopping the thread when asked. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(2);
    private static final int RUN_ID_BYTES = 4;

    private final int nodes;
    private final Duration timeout;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final String listenName;
    private final Connection[] joined;
    private final List<Connection> connections = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocate(1);
    private final Thread thread;
    private int joinedCount;
    private volatile String failure;
    private final long joinDeadline;
    private long replyDeadline;
    private volatile boolean replying;
    private volatile boolean stopped;

    /** One accepted connection and what it has sent so far. */
    private static final class Connection
    {
        final SocketChannel channel;
        final String remote;
        final ByteBuffer header = allocateHeader();
        ByteBuffer body;
        Hello hello;
        ByteBuffer reply;

        Connection(final SocketChannel channel, final String remote)
        {
            this.channel = channel;
            this.remote = remote;
        }

        String describe()
        {
            return remote + " (host " + hello.member().hostId() + ", data " + hello.member().host() + ":" +
                hello.member().port() + ")";
        }
    }

    private RendezvousCoordinator(final ClusterConfig config, final Duration timeout)
    {
        this.nodes = config.nodes();
        this.timeout = timeout;
        this.joined = new Connection[nodes];
        this.joinDeadline = System.nanoTime() + timeout.toNanos();
        final InetSocketAddress listen = listenAddress(config);
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(listen, Math.min(nodes, 4096));
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            throw new ClusterException("rank 0 cannot listen on coordinator port " + listen + " (" + config.source() +
                "): " + ex.getMessage(), ex);
        }
        listenName = server.socket().getLocalSocketAddress().toString();
        thread = new Thread(this::run, THREAD_NAME);
        thread.setDaemon(true);
    }

    /** Binds the coordinator port and starts serving; the timeout counts from now. */
    static RendezvousCoordinator start(final ClusterConfig config, final Duration timeout)
    {
        final RendezvousCoordinator coordinator = new RendezvousCoordinator(config, timeout);
        coordinator.thread.start();
        LOG.debug("rendezvous: coordinator listening on {} for {} nodes", coordinator.listenName, config.nodes());
        return coordinator;
    }

    /** Why the rendezvous failed, or null while it has not. */
    String failure()
    {
        return failure;
    }

    /** The port the coordinator listens on (resolved when port 0 was asked for). */
    int port()
    {
        return server.socket().getLocalPort();
    }

    /**
     * Stops the coordinator; when it is handing out replies, first lets it finish (bounded), so that the
     * other nodes get theirs.
     */
    @Override
    public void close()
    {
        try
        {
            if (replying)
            {
                thread.join(REPLY_TIMEOUT.toMillis() + STOP_TIMEOUT.toMillis());
            }
            stopped = true;
            selector.wakeup();
            thread.join(STOP_TIMEOUT.toMillis());
        }
        catch (final InterruptedException ex)
        {
            stopped = true;
            selector.wakeup();
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            LOG.warn("rendezvous: coordinator thread did not stop within {}", Durations.describe(STOP_TIMEOUT));
        }
    }

    /**
     * A loopback coordinator address is bound as given (a local cluster stays off the network); any other
     * is bound on all interfaces, since the name may resolve differently here than on the other nodes.
     */
    private static InetSocketAddress listenAddress(final ClusterConfig config)
    {
        final String host = config.coordinator().getHostString();
        final int port = config.coordinator().getPort();
        if (host.equalsIgnoreCase("localhost") || host.startsWith("127.") || host.equals("::1"))
        {
            return new InetSocketAddress(host, port);
        }
        return new InetSocketAddress(port);
    }

    private void run()
    {
        try
        {
            serve();
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.error("rendezvous: coordinator failed", ex);
            failure = "the coordinator failed: " + ex;
        }
        finally
        {
            for (final Connection connection : connections)
            {
                closeQuietly(connection);
            }
            try
            {
                server.close();
                selector.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("rendezvous: closing the coordinator", ex);
            }
        }
    }

    private void serve() throws IOException
    {
        while (!stopped)
        {
            final long now = System.nanoTime();
            if (!replying)
            {
                if (failure == null && joinedCount == nodes)
                {
                    reply(RendezvousCodec.encodeTable(table()), now);
                }
                else if (failure == null && now - joinDeadline >= 0)
                {
                    failure = missingRanks();
                }
                if (failure != null)
                {
                    LOG.debug("rendezvous: failed: {}", failure);
                    reply(RendezvousCodec.encodeError(failure), now);
                }
            }
            if (replying && (allReplied() || now - replyDeadline >= 0))
            {
                warnUnreplied();
                return;
            }
            final long waitNs = replying ? replyDeadline - now : joinDeadline - now;
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNs)));
            for (final SelectionKey key : selector.selectedKeys())
            {
                if (!key.isValid())
                {
                    continue;
                }
                if (key.isAcceptable())
                {
                    accept();
                }
                else if (key.isReadable())
                {
                    read((Connection)key.attachment());
                }
                else if (key.isWritable())
                {
                    write((Connection)key.attachment());
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private void accept() throws IOException
    {
        final SocketChannel channel = server.accept();
        if (channel == null)
        {
            return;
        }
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        final Connection connection = new Connection(channel, String.valueOf(channel.getRemoteAddress()));
        channel.register(selector, SelectionKey.OP_READ, connection);
        connections.add(connection);
    }

    private void read(final Connection connection)
    {
        try
        {
            if (replying)
            {
                closeQuietly(connection); // reads are off once replying; a late event needs no answer
                return;
            }
            if (connection.hello != null)
            {
                // a node that joined sends nothing more: this is its EOF (it gave up) or a protocol breach
                final int n = connection.channel.read(scratch.clear());
                leave(connection, n < 0 ? "closed its connection" : "sent bytes after its HELLO");
                return;
            }
            if (connection.header.hasRemaining())
            {
                if (connection.channel.read(connection.header) < 0)
                {
                    drop(connection, "closed before completing its HELLO");
                    return;
                }
                if (connection.header.hasRemaining() || !acceptHeader(connection))
                {
                    return;
                }
            }
            if (connection.channel.read(connection.body) < 0)
            {
                drop(connection, "closed before completing its HELLO");
                return;
            }
            if (!connection.body.hasRemaining())
            {
                connection.body.flip();
                join(connection, RendezvousCodec.decodeHello(connection.body));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            reject(connection, ex.getMessage());
        }
        catch (final IOException ex)
        {
            if (replying)
            {
                closeQuietly(connection); // reads are off once replying; a late event needs no answer
                return;
            }
            if (connection.hello != null)
            {
                leave(connection, "failed: " + ex.getMessage());
            }
            else
            {
                drop(connection, "failed: " + ex.getMessage());
            }
        }
    }

    /** Checks a complete header and sizes the body; false when the connection was refused. */
    private boolean acceptHeader(final Connection connection)
    {
        final String problem = checkHeader(connection.header, nodes, TYPE_HELLO);
        if (problem != null)
        {
            if (isVersionMismatch(connection.header))
            {
                failure = "a node at " + connection.remote + " speaks " + problem;
            }
            reject(connection, problem);
            return false;
        }
        final int bodyLength = connection.header.getInt(BODY_LENGTH_OFFSET);
        connection.body = ByteBuffer.allocate(bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        return true;
    }

    private void join(final Connection connection, final Hello hello)
    {
        connection.hello = hello;
        if (failure != null || replying)
        {
            return;
        }
        if (hello.nodes() != nodes)
        {
            failure = "rank " + hello.rank() + " at " + connection.describe() + " expects " + hello.nodes() +
                " nodes, but the coordinator (rank 0, at " + listenName + ") expects " + nodes;
        }
        else if (hello.rank() < 0 || hello.rank() >= nodes)
        {
            failure = "a node at " + connection.describe() + " claims rank " + hello.rank() + ", not in [0, " +
                nodes + ")";
        }
        else if (joined[hello.rank()] != null)
        {
            failure = "rank " + hello.rank() + " joined twice: from " + joined[hello.rank()].describe() + " and from " +
                connection.describe();
        }
        else
        {
            joined[hello.rank()] = connection;
            joinedCount++;
            LOG.debug("rendezvous: rank {} joined from {} ({} of {})", hello.rank(), connection.describe(),
                joinedCount, nodes);
        }
    }

    /** A node that had joined is gone before the replies: its rank is missing again until it rejoins. */
    private void leave(final Connection connection, final String why)
    {
        final int rank = connection.hello.rank();
        LOG.warn("rendezvous: rank {} at {} {} before the rendezvous completed", rank, connection.remote, why);
        if (rank >= 0 && rank < nodes && joined[rank] == connection)
        {
            joined[rank] = null;
            joinedCount--;
        }
        connection.hello = null;
        closeQuietly(connection);
    }

    private void reject(final Connection connection, final String problem)
    {
        LOG.warn("rendezvous: rejected a connection from {}: {}", connection.remote, problem);
        connection.hello = null;
        closeQuietly(connection);
    }

    private void drop(final Connection connection, final String why)
    {
        LOG.debug("rendezvous: a connection from {} {}", connection.remote, why);
        closeQuietly(connection);
    }

    /** Stops accepting and queues {@code frame} for every node that sent a HELLO. */
    private void reply(final ByteBuffer frame, final long now) throws IOException
    {
        replying = true;
        replyDeadline = now + REPLY_TIMEOUT.toNanos();
        server.keyFor(selector).cancel();
        server.close();
        for (final Connection connection : connections)
        {
            if (connection.hello != null && connection.channel.isOpen())
            {
                connection.reply = frame.duplicate();
                write(connection);
            }
            else
            {
                closeQuietly(connection);
            }
        }
    }

    private void write(final Connection connection)
    {
        try
        {
            connection.channel.write(connection.reply);
            final SelectionKey key = connection.channel.keyFor(selector);
            key.interestOps(connection.reply.hasRemaining() ? SelectionKey.OP_WRITE : 0);
        }
        catch (final IOException ex)
        {
            LOG.warn("rendezvous: cannot send the reply to rank {} at {}: {}", connection.hello.rank(),
                connection.remote, ex.getMessage());
            connection.reply.position(connection.reply.limit());
            closeQuietly(connection);
        }
    }

    private boolean allReplied()
    {
        for (final Connection connection : connections)
        {
            if (connection.reply != null && connection.reply.hasRemaining())
            {
                return false;
            }
        }
        return true;
    }

    private void warnUnreplied()
    {
        for (final Connection connection : connections)
        {
            if (connection.reply != null && connection.reply.hasRemaining())
            {
                LOG.warn("rendezvous: rank {} at {} did not take its reply within {}", connection.hello.rank(),
                    connection.remote, Durations.describe(REPLY_TIMEOUT));
            }
        }
    }

    private Table table()
    {
        final List<Member> members = new ArrayList<>(nodes);
        for (final Connection connection : joined)
        {
            members.add(connection.hello.member());
        }
        final byte[] id = new byte[RUN_ID_BYTES];
        new SecureRandom().nextBytes(id);
        final String runId = HexFormat.of().formatHex(id);
        LOG.debug("rendezvous: all {} nodes joined, run id {}", nodes, runId);
        return new Table(runId, members);
    }

    private String missingRanks()
    {
        final StringBuilder missing = new StringBuilder();
        int count = 0;
        for (int rank = 0; rank < nodes; rank++)
        {
            if (joined[rank] == null)
            {
                missing.append(count++ == 0 ? "" : ", ").append(rank);
            }
        }
        return (count == 1 ? "rank " : "ranks ") + missing + " of " + nodes + " did not join within " +
            Durations.describe(timeout) + " (coordinator " + listenName + ")";
    }

    private static void closeQuietly(final Connection connection)
    {
        try
        {
            connection.channel.close();
        }
        catch (final IOException ex)
        {
            LOG.debug("rendezvous: closing a connection from {}", connection.remote, ex);
        }
    }
}
