package io.nups.perf;

import io.nups.store.Slab;
import io.nups.transport.MessageHandler;
import io.nups.transport.OneSidedCompletion;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.ShmOptions;
import io.nups.transport.ShmTransport;
import io.nups.transport.TcpOptions;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Round-trip latency of the transports between two nodes in this JVM, against a raw java.nio ping-pong
 * measured in the same run. One operation is one round trip of {@code size} payload bytes:
 * <ul>
 *   <li>{@code rawNio}: the floor. Two blocking {@link SocketChannel}s over 127.0.0.1 with TCP_NODELAY; the
 *       benchmark thread writes a 4-byte length prefix plus {@code size} bytes in one write and reads the echo
 *       back; an echo thread on the other socket reads each frame and writes it back in one write.</li>
 *   <li>{@code tcpMessage}: {@link TcpTransport} message ping-pong. Node 0 sends {@code size} bytes to node 1;
 *       node 1's message handler (on its I/O thread) sends them back with {@link Transport#send}; node 0's
 *       handler (on its I/O thread) counts the echo, and the benchmark thread waits for that count.</li>
 *   <li>{@code tcpRead}: a one-sided {@link Transport#read} by node 0 of {@code size} bytes of node 1's registered
 *       slab through {@link TcpTransport} (node 1's I/O thread serves it), waiting for its completion.</li>
 *   <li>{@code shmMessage}, {@code shmRead}: the same on {@link ShmTransport}, for reference: messages go through
 *       the peers' mapped ring buffers, and a read is a memory copy from the peer's mapped slab file by the
 *       caller, which completes before {@code read} returns.</li>
 * </ul>
 *
 * <p><b>Waiting.</b> The benchmark thread waits for a transport callback with {@link Arrivals#await}: a busy spin
 * of up to 100 µs ({@code -Dnups.rtt.spinMicros}), then {@code LockSupport.parkNanos} (woken by the callback),
 * failing after {@value #TIMEOUT_SECONDS} s so a lost message cannot hang the run. A callback therefore costs the
 * transport thread one atomic increment (plus an unpark only if the waiter already parked). The raw NIO client
 * instead blocks in the kernel's {@code read}, as a plain NIO client would.
 *
 * <p><b>Mode.</b> Sample time in microseconds: every round trip (or a sample of them) is timed, so the results give
 * the mean and the percentiles (p50, p99, p99.9) of the round-trip latency; {@code -bm avgt} gives the mean alone
 * with less timer overhead (which matters only for the ~0.1 µs {@code shmRead}).
 *
 * <p><b>Contention.</b> {@code -Dnups.rtt.hogThreads=N} (via {@code -jvmArgsAppend}) runs N busy-looping threads
 * beside each trial, to compare the variants on a machine whose cores are partly taken by other work.
 *
 * <p>Single-threaded (do not pass {@code -t}). Each trial sets up its own pair of nodes and closes everything
 * at teardown: sockets, transports, slabs, the shm run directory, and it checks that no {@code nups-} or
 * echo thread is left running.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class TransportRoundTripBenchmark
{
    /** Bytes of each node's registered slab (one-sided reads read its first {@code size} bytes). */
    static final int SLAB_BYTES = 64 * 1024;

    /** Largest TCP frame; the default (64 MB) would allocate a 64 MB inbox per peer for nothing. */
    static final int TCP_MAX_FRAME = 1 << 20;

    /** Bytes of each shm node's inbound ring (messages up to 1/8 of it). */
    static final int SHM_RING_BYTES = 1 << 22;

    /** How long the benchmark thread busy-spins for a callback before it parks ({@code -Dnups.rtt.spinMicros}). */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("nups.rtt.spinMicros", 100));
    static final long TIMEOUT_SECONDS = 10;
    static final String RAW_ECHO_THREAD = "rtt-raw-echo";

    /**
     * Busy threads to run beside the benchmark ({@code -Dnups.rtt.hogThreads=N}, default 0), to see how each variant
     * copes with a machine whose cores are partly taken by other work.
     */
    static final int HOG_THREADS = Integer.getInteger("nups.rtt.hogThreads", 0);
    static final String HOG_THREAD = "rtt-hog-";

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final int NODE0_SLAB_ID = 10;
    private static final int NODE1_SLAB_ID = 11;

    /**
     * Callbacks seen so far, and the benchmark thread's bounded wait for the next one: spin, then park until
     * the callback unparks it. Both sides access {@link #parked} and {@link #count} in opposite order through
     * volatile accesses, so either the waiter sees the count or the callback sees the parked thread.
     */
    static final class Arrivals
    {
        private final AtomicLong count = new AtomicLong();
        private volatile Thread parked;

        void arrive()
        {
            count.incrementAndGet();
            final Thread waiter = parked;
            if (waiter != null)
            {
                LockSupport.unpark(waiter);
            }
        }

        long count()
        {
            return count.get();
        }

        /** Returns once {@code target} callbacks have arrived; throws after {@value #TIMEOUT_SECONDS} s. */
        void await(final long target, final AtomicReference<String> failure)
        {
            if (count.get() >= target)
            {
                return;
            }
            final long start = System.nanoTime();
            int spins = 0;
            while (count.get() < target)
            {
                Thread.onSpinWait();
                if ((++spins & 63) == 0 && System.nanoTime() - start > SPIN_NANOS)
                {
                    awaitParked(target, start, failure);
                    return;
                }
            }
        }

        private void awaitParked(final long target, final long start, final AtomicReference<String> failure)
        {
            final long deadline = start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            parked = Thread.currentThread();
            try
            {
                while (count.get() < target)
                {
                    final String reason = failure.get();
                    if (reason != null)
                    {
                        throw new IllegalStateException("round trip failed: " + reason);
                    }
                    if (System.nanoTime() - deadline > 0)
                    {
                        throw new IllegalStateException("no answer within " + TIMEOUT_SECONDS + " s (have " +
                            count.get() + " of " + target + " callbacks)");
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
            finally
            {
                parked = null;
            }
        }
    }

    /** A pair of transports (node 0 drives, node 1 echoes and serves), with a registered slab each. */
    abstract static class Pair
    {
        final Arrivals arrivals = new Arrivals();
        final AtomicReference<String> failure = new AtomicReference<>();
        final Hogs hogs = new Hogs();
        Transport node0;
        Transport node1;
        Slab slab0;
        Slab slab1;
        Slab local;
        UnsafeBuffer payload;
        long expected;
        private ByteBuffer payloadMemory;

        /** Node 0 counts echoes of {@code size} bytes; node 1 sends every message straight back. */
        final MessageHandler counter(final int size)
        {
            return (from, buffer, offset, length) ->
            {
                if (length != size)
                {
                    failure.compareAndSet(null, "node 0 got an echo of " + length + " bytes, expected " + size);
                }
                arrivals.arrive();
            };
        }

        final MessageHandler echo()
        {
            return (from, buffer, offset, length) -> node1.send(from, buffer, offset, length);
        }

        final OneSidedCompletion completion = (token, error) ->
        {
            if (error != null)
            {
                failure.compareAndSet(null, "one-sided read failed: " + error.getMessage());
            }
            arrivals.arrive();
        };

        /** Fills node 1's slab and the payload with a pattern; allocates node 0's local read target. */
        final void preparePayloads(final int size)
        {
            for (int i = 0; i < SLAB_BYTES; i += 8)
            {
                slab1.buffer().putLong(i, 0x1234_5678L * i);
            }
            local = Slab.allocate(99, SLAB_BYTES);
            payloadMemory = ByteBuffer.allocateDirect(size);
            payload = new UnsafeBuffer(payloadMemory);
            for (int i = 0; i < size; i++)
            {
                payload.putByte(i, (byte)i);
            }
        }

        /** Starts both nodes concurrently (each waits for the other); fails if either does not start. */
        static void startBoth(final Transport first, final Transport second)
        {
            final AtomicReference<Throwable> error = new AtomicReference<>();
            final Thread starter = new Thread(() ->
            {
                try
                {
                    first.start();
                }
                catch (final Throwable t)
                {
                    error.set(t);
                }
            }, "rtt-start-0");
            starter.start();
            try
            {
                second.start();
                starter.join(TimeUnit.SECONDS.toMillis(60));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            if (error.get() != null)
            {
                throw new IllegalStateException("node 0 did not start", error.get());
            }
        }

        long message(final int size)
        {
            final long target = ++expected;
            node0.send(1, payload, 0, size);
            arrivals.await(target, failure);
            return target;
        }

        long read(final int size)
        {
            final long target = ++expected;
            node0.read(1, NODE1_SLAB_ID, 0, size, local.address(), target, completion);
            arrivals.await(target, failure);
            return target;
        }

        /** Closes both nodes and every slab; fails the trial if a node reported a problem or left a thread. */
        void closeAll()
        {
            hogs.stop();
            for (final AutoCloseable c : new AutoCloseable[]{node0, node1, slab0, slab1, local})
            {
                if (c != null)
                {
                    try
                    {
                        c.close();
                    }
                    catch (final Exception ex)
                    {
                        failure.compareAndSet(null, "close failed: " + ex);
                    }
                }
            }
            node0 = node1 = null;
            slab0 = slab1 = local = null;
            if (payloadMemory != null)
            {
                BufferUtil.free(payloadMemory);
                payloadMemory = null;
                payload = null;
            }
            awaitThreadsGone("nups-");
            if (failure.get() != null)
            {
                throw new IllegalStateException(failure.get());
            }
        }
    }

    /** The busy threads of {@link #HOG_THREADS}: started at each trial's setup, stopped at its teardown. */
    static final class Hogs
    {
        private volatile boolean running;
        private final List<Thread> threads = new ArrayList<>();
        long sink;

        void start()
        {
            running = true;
            for (int i = 0; i < HOG_THREADS; i++)
            {
                final Thread t = new Thread(() ->
                {
                    long x = 0;
                    while (running)
                    {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                    sink = x;
                }, HOG_THREAD + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        void stop()
        {
            running = false;
            for (final Thread t : threads)
            {
                try
                {
                    t.join(TimeUnit.SECONDS.toMillis(5));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            threads.clear();
            awaitThreadsGone(HOG_THREAD);
        }
    }

    static void awaitThreadsGone(final String prefix)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true)
        {
            final List<String> left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
            if (left.isEmpty())
            {
                return;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("threads left running after teardown: " + left);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // raw java.nio ping-pong: the floor

    @State(Scope.Thread)
    public static class RawNio
    {
        @Param({"16", "512", "8192"})
        public int size;

        ServerSocketChannel server;
        SocketChannel client;
        SocketChannel served;
        Thread echo;
        ByteBuffer out;
        ByteBuffer in;
        final AtomicReference<Throwable> echoFailure = new AtomicReference<>();
        final Hogs hogs = new Hogs();

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(server.getLocalAddress());
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            served = server.accept();
            served.setOption(StandardSocketOptions.TCP_NODELAY, true);
            out = ByteBuffer.allocateDirect(4 + size).order(ByteOrder.LITTLE_ENDIAN);
            in = ByteBuffer.allocateDirect(4 + size).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(0, size);
            for (int i = 0; i < size; i++)
            {
                out.put(4 + i, (byte)i);
            }
            echo = new Thread(() -> echoLoop(served, 4 + size), RAW_ECHO_THREAD);
            echo.setDaemon(true);
            echo.start();
            hogs.start();
        }

        /** Reads length-prefixed frames and writes each back whole, until the client closes. */
        private void echoLoop(final SocketChannel channel, final int capacity)
        {
            final ByteBuffer frame = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            try
            {
                while (true)
                {
                    frame.clear().limit(4);
                    if (!readFully(channel, frame))
                    {
                        return;
                    }
                    final int length = frame.getInt(0);
                    if (length < 0 || length > capacity - 4)
                    {
                        throw new IOException("bad frame length " + length);
                    }
                    frame.limit(4 + length);
                    if (!readFully(channel, frame))
                    {
                        return;
                    }
                    frame.flip();
                    while (frame.hasRemaining())
                    {
                        channel.write(frame);
                    }
                }
            }
            catch (final ClosedChannelException ex)
            {
                // teardown closed the socket
            }
            catch (final Throwable t)
            {
                echoFailure.set(t);
            }
            finally
            {
                BufferUtil.free(frame);
            }
        }

        /** Fills {@code buffer} to its limit; false at end of stream. */
        static boolean readFully(final SocketChannel channel, final ByteBuffer buffer) throws IOException
        {
            while (buffer.hasRemaining())
            {
                if (channel.read(buffer) < 0)
                {
                    return false;
                }
            }
            return true;
        }

        int roundTrip() throws IOException
        {
            out.clear();
            while (out.hasRemaining())
            {
                client.write(out);
            }
            in.clear().limit(4);
            if (!readFully(client, in))
            {
                throw new IOException("echo side closed");
            }
            final int length = in.getInt(0);
            in.limit(4 + length);
            if (length != size || !readFully(client, in))
            {
                throw new IOException("bad echo of " + length + " bytes");
            }
            return length;
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            hogs.stop();
            client.close();
            echo.join(TimeUnit.SECONDS.toMillis(5));
            served.close();
            server.close();
            BufferUtil.free(out);
            BufferUtil.free(in);
            awaitThreadsGone(RAW_ECHO_THREAD);
            if (echoFailure.get() != null)
            {
                throw new IllegalStateException("echo thread failed", echoFailure.get());
            }
        }
    }

    @Benchmark
    public int rawNio(final RawNio s) throws IOException
    {
        return s.roundTrip();
    }

    // ------------------------------------------------------------------------------------------------
    // TcpTransport

    @State(Scope.Thread)
    public static class Tcp extends Pair
    {
        @Param({"16", "512", "8192"})
        public int size;

        @Setup(Level.Trial)
        public void setUp()
        {
            final TcpOptions options = TcpOptions.DEFAULT.withMaxFrameLength(TCP_MAX_FRAME);
            final TcpTransport t0 = new TcpTransport(0, 2, LOOPBACK_ANY_PORT, options);
            final TcpTransport t1 = new TcpTransport(1, 2, LOOPBACK_ANY_PORT, options);
            node0 = t0;
            node1 = t1;
            slab0 = Slab.allocate(NODE0_SLAB_ID, SLAB_BYTES);
            slab1 = Slab.allocate(NODE1_SLAB_ID, SLAB_BYTES);
            preparePayloads(size);
            final RegionDescriptor r0 = t0.register(slab0);
            final RegionDescriptor r1 = t1.register(slab1);
            t0.addRemoteRegions(List.of(r1));
            t1.addRemoteRegions(List.of(r0));
            final List<InetSocketAddress> addresses = List.of(t0.listenAddress(), t1.listenAddress());
            t0.peerAddresses(addresses);
            t1.peerAddresses(addresses);
            t0.messageHandler(counter(size));
            t1.messageHandler(echo());
            t0.failureHandler((peer, reason) -> failure.compareAndSet(null, "node 0 lost " + reason));
            t1.failureHandler((peer, reason) -> failure.compareAndSet(null, "node 1 lost " + reason));
            startBoth(t0, t1);
            hogs.start();
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            closeAll();
        }
    }

    @Benchmark
    public long tcpMessage(final Tcp s)
    {
        return s.message(s.size);
    }

    @Benchmark
    public long tcpRead(final Tcp s)
    {
        return s.read(s.size);
    }

    // ------------------------------------------------------------------------------------------------
    // ShmTransport

    @State(Scope.Thread)
    public static class Shm extends Pair
    {
        @Param({"16", "512", "8192"})
        public int size;

        Path runDirectory;

        @Setup(Level.Trial)
        public void setUp() throws IOException
        {
            final Path devShm = Path.of("/dev/shm");
            final Path base = Files.isDirectory(devShm) && Files.isWritable(devShm) ?
                devShm : Path.of(System.getProperty("java.io.tmpdir"));
            runDirectory = Files.createTempDirectory(base, "nups-rtt-");
            final ShmOptions options = ShmOptions.DEFAULT.withRingCapacity(SHM_RING_BYTES)
                .withStartTimeout(Duration.ofSeconds(30));
            final ShmTransport t0 = new ShmTransport(0, 2, runDirectory, options);
            final ShmTransport t1 = new ShmTransport(1, 2, runDirectory, options);
            node0 = t0;
            node1 = t1;
            slab0 = Slab.mapNewFile(NODE0_SLAB_ID, SLAB_BYTES,
                runDirectory.resolve(t0.slabFilePrefix() + "-" + NODE0_SLAB_ID + ".slab"));
            slab1 = Slab.mapNewFile(NODE1_SLAB_ID, SLAB_BYTES,
                runDirectory.resolve(t1.slabFilePrefix() + "-" + NODE1_SLAB_ID + ".slab"));
            preparePayloads(size);
            final RegionDescriptor r0 = t0.register(slab0);
            final RegionDescriptor r1 = t1.register(slab1);
            t0.addRemoteRegions(List.of(r1));
            t1.addRemoteRegions(List.of(r0));
            t0.messageHandler(counter(size));
            t1.messageHandler(echo());
            t0.failureHandler((peer, reason) -> failure.compareAndSet(null, "node 0 lost " + reason));
            t1.failureHandler((peer, reason) -> failure.compareAndSet(null, "node 1 lost " + reason));
            startBoth(t0, t1);
            hogs.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException
        {
            try
            {
                closeAll();
            }
            finally
            {
                deleteRecursively(runDirectory);
            }
        }

        private static void deleteRecursively(final Path directory) throws IOException
        {
            if (directory == null || !Files.exists(directory))
            {
                return;
            }
            final List<Path> paths = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(directory))
            {
                walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
            }
            for (final Path p : paths)
            {
                try
                {
                    Files.deleteIfExists(p);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot remove " + p, ex);
                }
            }
        }
    }

    @Benchmark
    public long shmMessage(final Shm s)
    {
        return s.message(s.size);
    }

    @Benchmark
    public long shmRead(final Shm s)
    {
        return s.read(s.size);
    }
}
