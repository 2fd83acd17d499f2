package io.nups.perf;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.cluster.ClusterConfig;
import io.nups.sample.AliasTable;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sampling throughput per scheme (reference §3.3) on a Zipf workload: 100,000 keys × 16 floats, target
 * distribution Zipf(1.1) over the keys ({@link AliasTable}), keys permuted over the nodes, relocation mode,
 * over shm and tcp ({@code transport}), {@code nodes} nodes in this JVM (params 2 and 4; {@code -p nodes=2,3,4} adds 3). Every node samples: node 0's worker is the measured thread, the
 * other nodes' workers run the same loop in the background for the whole trial, so relocations compete as in a
 * real job. One invocation = one group of {@value #GROUP} samples, prepared one group ahead and pulled one key at
 * a time, each pull waited for; the score is samples per second at node 0 ({@code @OperationsPerInvocation}).
 *
 * <p>Schemes: {@code naive}, {@code preloc}, {@code pool} (reuse 4), {@code pool_postpone} (reuse 4, postponing),
 * {@code local}. {@code perf/ratio-table.py} prints each scheme's ratio to naive at the same node count.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(1)
public class SamplingBenchmark
{
    static final int KEYS = 100_000;
    static final int LENGTH = 16;
    static final int GROUP = 10;
    static final int REUSE = 4;
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @State(Scope.Thread)
    public static class Cluster
    {
        @Param({"2", "4"})
        public int nodes;

        @Param({"naive", "preloc", "pool", "pool_postpone", "local"})
        public String scheme;

        /** shm: a remote pull of a key whose slot is known is a one-sided memcpy; tcp: a network round trip. */
        @Param({"shm", "tcp"})
        public String transport;

        final List<ParameterServer> servers = new ArrayList<>();
        final List<Thread> background = new ArrayList<>();
        volatile boolean stop;
        Loop measured;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            final int port = LocalNodes.freePort();
            final double[] weights = new double[KEYS];
            for (int k = 0; k < KEYS; k++)
            {
                weights[k] = 1 / Math.pow(k + 1, 1.1);
            }
            final AliasTable zipf = AliasTable.of(weights);
            servers.addAll(LocalNodes.startAll(nodes, START_TIMEOUT, rank -> start(rank, port, zipf)));
            measured = new Loop(servers.get(0).worker(0));
            for (int rank = 1; rank < nodes; rank++)
            {
                final Loop loop = new Loop(servers.get(rank).worker(0));
                final Thread thread = new Thread(() ->
                {
                    while (!stop)
                    {
                        loop.group();
                    }
                    loop.finish();
                }, "bench-sampler-r" + rank);
                thread.start();
                background.add(thread);
            }
        }

        private ParameterServer start(final int rank, final int port, final AliasTable zipf)
        {
            SamplingOptions options = SamplingOptions.of(zipf).withSeed(rank);
            options = switch (scheme)
            {
                case "naive" -> options;
                case "preloc" -> options.withScheme(SamplingScheme.PRELOC);
                case "pool" -> options.withScheme(SamplingScheme.POOL).withReuse(REUSE);
                case "pool_postpone" -> options.withScheme(SamplingScheme.POOL).withReuse(REUSE).withPostpone(true);
                case "local" -> options.withScheme(SamplingScheme.LOCAL);
                default -> throw new IllegalArgumentException("unknown scheme " + scheme);
            };
            return Nups.builder().keys(KEYS, LENGTH).threads(1)
                .cluster(ClusterConfig.explicit(rank, nodes, "127.0.0.1:" + port, ClusterConfig.ANY_PORT))
                .transport(Nups.Transport.valueOf(transport.toUpperCase(java.util.Locale.ROOT))).mode(Nups.Mode.RELOCATION).keyPermutation(1).sampling(options)
                .startupTimeout(START_TIMEOUT).start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception
        {
            stop = true;
            for (final Thread thread : background)
            {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                if (thread.isAlive())
                {
                    throw new IllegalStateException(thread.getName() + " did not stop");
                }
            }
            measured.finish();
            System.out.println();
            for (final ParameterServer server : servers)
            {
                System.out.println(scheme + ", " + nodes + " nodes: node " + server.rank() + " " +
                    server.samplingStats().summary());
            }
            LocalNodes.closeAll(servers);
        }
    }

    /** One worker's sampling loop: a group of {@value #GROUP} single-key samples, the next group prepared ahead. */
    static final class Loop
    {
        private final Worker worker;
        private final int[] key = new int[1];
        private final float[] value = new float[LENGTH];
        private long next;
        long checksum;

        Loop(final Worker worker)
        {
            this.worker = worker;
            this.next = worker.prepareSample(GROUP);
        }

        void group()
        {
            final long current = next;
            next = worker.prepareSample(GROUP);
            for (int i = 0; i < GROUP; i++)
            {
                worker.waitFor(worker.pullSample(current, key, value));
                checksum += key[0];
            }
        }

        /** Ends the loop: the group prepared ahead is discarded and this worker's localizes complete. */
        void finish()
        {
            worker.finishSample(next);
            worker.waitAll();
        }
    }

    @Benchmark
    @OperationsPerInvocation(GROUP)
    public long sample(final Cluster c)
    {
        c.measured.group();
        return c.measured.checksum;
    }
}
