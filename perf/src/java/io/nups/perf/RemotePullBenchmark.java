package io.nups.perf;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.cluster.ClusterConfig;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Latency of a remote pull of one key of 128 floats through the public API, two nodes in this JVM (classic
 * mode, so the key stays at its home node 0 and node 1 pulls it), next to the raw java.nio ping-pong of
 * {@link TransportRoundTripBenchmark} in the same run. One operation = {@code Worker.pull(key, out)} at node 1
 * followed by {@code waitFor}: everything a remote pull costs (slow-path checks, request, the holder's server
 * thread, response, completion), or with one-sided pulls a validated read of the key's slot once the first pull
 * has told node 1 where the slot lies.
 *
 * <ul>
 *   <li>{@code pull}, params {@code transport} (tcp, shm) and {@code oneSided} (true, false);</li>
 *   <li>{@code rawNio} (from {@link TransportRoundTripBenchmark.RawNio}): the floor, a blocking-socket round trip
 *       of {@code size} bytes; run it with {@code -p size=512}, the bytes of one 128-float value.</li>
 * </ul>
 *
 * <p>Single-threaded; each trial starts both nodes (a rendezvous on a free loopback port) and closes them.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class RemotePullBenchmark
{
    static final int KEYS = 1024;
    static final int LENGTH = 128;
    /** Home node 0 holds keys [0, KEYS / 2) by range partition; node 1 pulls this one. */
    static final int REMOTE_KEY = 7;
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @State(Scope.Thread)
    public static class TwoNodes
    {
        @Param({"tcp", "shm"})
        public String transport;

        @Param({"true", "false"})
        public boolean oneSided;

        ParameterServer node0;
        ParameterServer node1;
        Worker puller;
        final float[] out = new float[LENGTH];

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            final int port = LocalNodes.freePort();
            final List<ParameterServer> servers = LocalNodes.startAll(2, START_TIMEOUT, rank -> start(rank, port));
            node0 = servers.get(0);
            node1 = servers.get(1);
            final Worker owner = node0.worker(0);
            final float[] value = new float[LENGTH];
            for (int i = 0; i < LENGTH; i++)
            {
                value[i] = i;
            }
            owner.waitFor(owner.set(REMOTE_KEY, value));
            puller = node1.worker(0);
            if (puller.pullIfLocal(REMOTE_KEY, out))
            {
                throw new IllegalStateException("key " + REMOTE_KEY + " is local at node 1: nothing remote to pull");
            }
            puller.waitFor(puller.pull(REMOTE_KEY, out));
            if (out[LENGTH - 1] != LENGTH - 1)
            {
                throw new IllegalStateException("node 1 pulled " + out[LENGTH - 1] + " as the last float, expected " +
                    (LENGTH - 1));
            }
        }

        private ParameterServer start(final int rank, final int port)
        {
            return Nups.builder().keys(KEYS, LENGTH).threads(1)
                .cluster(ClusterConfig.explicit(rank, 2, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                .transport(Nups.Transport.valueOf(transport.toUpperCase(java.util.Locale.ROOT)))
                .mode(Nups.Mode.CLASSIC).oneSidedPulls(oneSided).startupTimeout(START_TIMEOUT).start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            LocalNodes.closeAll(List.of(node0, node1));
        }
    }

    @Benchmark
    public float pull(final TwoNodes s)
    {
        s.puller.waitFor(s.puller.pull(REMOTE_KEY, s.out));
        return s.out[LENGTH - 1];
    }

    @Benchmark
    public int rawNio(final TransportRoundTripBenchmark.RawNio s) throws IOException
    {
        return s.roundTrip();
    }
}
