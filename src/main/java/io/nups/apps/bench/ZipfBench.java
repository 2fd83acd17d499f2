package io.nups.apps.bench;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.apps.mf.ZipfSampler;
import io.nups.manage.HotKeys;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * A synthetic push/pull workload with the skew of the NuPS tasks, and an exactness check after it.
 *
 * <p>Every operation of a worker pulls {@code keysPerOp} keys drawn from Zipf(exponent) over the data keys
 * (key 0 the hottest, as in a vocabulary sorted by frequency; {@code --permute-keys} spreads them over the
 * nodes' home ranges), waits for the pull, then pushes +1 to every element of the same keys. With
 * {@code localizeAhead}, each worker localizes the keys of its next operation before working on the
 * current one, as the NuPS applications do. A worker stops after {@code opsPerWorker} operations or when
 * {@code duration} is over, whichever comes first. Replicated keys ({@link ParameterServer#replicatedKeys},
 * normally the {@link #hottestKeys}) are pulled and pushed on the node's replica, synchronized in the
 * background.
 *
 * <p>The exactness check: every worker counts the keys it pushed; each node publishes its count with a
 * {@code set} on its own counter key (one per node, after the data keys), all nodes meet in a barrier,
 * then each node pulls every key and checks that all elements of a key are equal (every push added +1 to
 * each) and that their sum equals the sum of the counts of all nodes. A lost, duplicated or torn push
 * shows as a difference. Before reading, each node waits for replica synchronization, after which every
 * replica holds exactly the sum of every node's pushes (averaging and clipping off). Counts stay exact in
 * float32 because {@link #maxPushesPerKey} is at most 2<sup>24</sup>, which {@link Settings} enforces.
 */
public final class ZipfBench
{
    /** Largest integer up to which every integer is exact in float32. */
    public static final long FLOAT_EXACT_LIMIT = 1L << 24;
    private static final int COUNTER_LENGTH = 4;
    private static final int DIGIT_BITS = 16;
    private static final int CHECK_CHUNK = 1024;
    private static final long MAX_LATENCY_NANOS = TimeUnit.SECONDS.toNanos(120);

    /**
     * What to run.
     *
     * @param numKeys       data keys
     * @param valueLength   floats per data key
     * @param keysPerOp     keys pulled and pushed by one operation
     * @param opsPerWorker  bound on operations per worker thread
     * @param duration      bound on the time each worker works
     * @param exponent      Zipf exponent of key popularity (NuPS uses 1.1)
     * @param localizeAhead localize the next operation's keys ahead of it (relocation mode)
     * @param seed          seed of the key draws
     */
    public record Settings(int numKeys, int valueLength, int keysPerOp, long opsPerWorker, Duration duration,
        double exponent, boolean localizeAhead, long seed)
    {
        public Settings
        {
            if (numKeys < 1 || valueLength < 1 || keysPerOp < 1 || opsPerWorker < 1)
            {
                throw new IllegalArgumentException("keys, value length, keys per operation and operations must be " +
                    "positive");
            }
            if (duration == null || duration.isNegative() || duration.isZero())
            {
                throw new IllegalArgumentException("duration must be positive, got " + duration);
            }
            if (!(exponent > 0) || Double.isInfinite(exponent))
            {
                throw new IllegalArgumentException("Zipf exponent must be positive and finite, got " + exponent);
            }
        }

        /** Most pushes one key can receive in a run of {@code nodes} nodes of {@code threads} workers. */
        public long maxPushesPerKey(final int nodes, final int threads)
        {
            final double pushes = (double)nodes * threads * opsPerWorker * keysPerOp;
            return pushes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long)pushes;
        }
    }

    /**
     * One node's figures.
     *
     * @param operations  operations of all this node's workers
     * @param pushedKeys  keys pushed (each +1 on every element)
     * @param seconds     from the start barrier until the last worker of this node finished
     * @param localPulls  pulls that completed on this node without communication
     * @param localPushes pushes that completed on this node without communication
     * @param replicaKeys pushed keys that were replicated (each also pulled once)
     * @param latency     pull latency (issue to completion) in nanoseconds
     */
    public record Result(long operations, long pushedKeys, double seconds, long localPulls, long localPushes,
        long replicaKeys, Histogram latency)
    {
        public double operationsPerSecond()
        {
            return seconds > 0 ? operations / seconds : 0;
        }
    }

    /**
     * The exactness check's outcome on one node.
     *
     * @param pass          whether every key was consistent and the sums matched
     * @param valueSum      sum of every element of every data key
     * @param expectedSum   pushed keys of all nodes times the value length
     * @param pushedPerNode each node's count of pushed keys
     * @param problem       what was wrong, or null
     */
    public record Check(boolean pass, long valueSum, long expectedSum, long[] pushedPerNode, String problem)
    {
    }

    private final Settings settings;

    public ZipfBench(final Settings settings)
    {
        this.settings = settings;
    }

    /**
     * The {@code n} most popular keys: Zipf draws key i with probability proportional to (i + 1)^-exponent, so
     * they are keys 0 .. n-1. Key ids are what workers pull and push; a key permutation
     * ({@link Nups.Builder#keyPermutation}) changes only which node is a key's home, not its id.
     */
    public static int[] hottestKeys(final int n)
    {
        return IntStream.range(0, n).toArray();
    }

    /** Size of the key space the bench needs on {@code nodes} nodes: the data keys and one counter key per node. */
    public int keySpaceSize(final int nodes)
    {
        return settings.numKeys() + nodes;
    }

    /** Sets the key space the bench needs on {@code nodes} nodes: the data keys, then one counter key per node. */
    public Nups.Builder keySpace(final Nups.Builder builder, final int nodes)
    {
        return builder.keys(keySpaceSize(nodes))
            .valueLength(0, settings.numKeys(), settings.valueLength())
            .valueLength(settings.numKeys(), settings.numKeys() + nodes, COUNTER_LENGTH);
    }

    /** Runs the workload on every worker thread of {@code ps}, between barriers of all workers of all nodes. */
    public Result run(final ParameterServer ps)
    {
        final ZipfSampler sampler = new ZipfSampler(settings.numKeys(), settings.exponent());
        final HotKeys replicated = ps.replicatedKeys();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final WorkerRun[] runs = new WorkerRun[ps.threads()];
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < ps.threads(); t++)
        {
            final Worker worker = ps.worker(t);
            final SplittableRandom random = new SplittableRandom(settings.seed() ^
                (0x9E3779B97F4A7C15L * (ps.rank() * 1024L + t + 1)));
            final WorkerRun run = new WorkerRun();
            runs[t] = run;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    worker.barrier();
                    run.start = System.nanoTime();
                    work(worker, sampler, random, replicated, run);
                    worker.waitAll();
                    run.end = System.nanoTime();
                    worker.barrier();
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "nups-bench-r" + ps.rank() + "-w" + t);
            thread.start();
            threads.add(thread);
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the bench ran", ex);
            }
        }
        if (failure.get() != null)
        {
            final Throwable cause = failure.get();
            throw cause instanceof RuntimeException runtime ? runtime :
                new IllegalStateException("a bench worker failed: " + cause, cause);
        }
        final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long operations = 0;
        long pushed = 0;
        long localPulls = 0;
        long localPushes = 0;
        long replicaKeys = 0;
        for (final WorkerRun run : runs)
        {
            start = Math.min(start, run.start);
            end = Math.max(end, run.end);
            operations += run.operations;
            pushed += run.pushedKeys;
            localPulls += run.localPulls;
            localPushes += run.localPushes;
            replicaKeys += run.replicaKeys;
            latency.add(run.latency);
        }
        return new Result(operations, pushed, (end - start) / 1e9, localPulls, localPushes, replicaKeys,
            latency);
    }

    private void work(final Worker worker, final ZipfSampler sampler, final SplittableRandom random,
        final HotKeys replicated, final WorkerRun run)
    {
        final int k = settings.keysPerOp();
        int[] keys = new int[k];
        int[] next = new int[k];
        draw(keys, sampler, random);
        draw(next, sampler, random);
        final float[] values = new float[k * settings.valueLength()];
        final float[] ones = new float[values.length];
        Arrays.fill(ones, 1f);
        final long deadline = run.start + settings.duration().toNanos();
        long op = 0;
        while (op < settings.opsPerWorker() && System.nanoTime() - deadline < 0)
        {
            if (settings.localizeAhead())
            {
                worker.localize(next);
            }
            final long issued = System.nanoTime();
            final long pull = worker.pull(keys, values);
            if (pull == Worker.DONE)
            {
                run.localPulls++;
            }
            else
            {
                worker.waitFor(pull);
            }
            run.latency.recordValue(Math.min(MAX_LATENCY_NANOS, System.nanoTime() - issued));
            if (worker.push(keys, ones) == Worker.DONE)
            {
                run.localPushes++;
            }
            run.pushedKeys += k;
            if (replicated.size() > 0)
            {
                for (final int key : keys)
                {
                    run.replicaKeys += replicated.contains(key) ? 1 : 0;
                }
            }
            op++;
            final int[] done = keys;
            keys = next;
            next = done;
            draw(next, sampler, random);
        }
        run.operations = op;
    }

    private static void draw(final int[] keys, final ZipfSampler sampler, final SplittableRandom random)
    {
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = sampler.sample(random);
        }
    }

    /**
     * The exactness check, run by one thread per node on every node after {@link #run}: publishes this
     * node's count, meets the other nodes, waits for replica synchronization, reads every key back.
     *
     * @param pushedKeys this node's {@link Result#pushedKeys()}
     */
    public Check check(final ParameterServer ps, final long pushedKeys)
    {
        final Worker worker = ps.worker(0);
        final int nodes = ps.nodes();
        final int numKeys = settings.numKeys();
        final int length = settings.valueLength();
        worker.waitFor(worker.set(numKeys + ps.rank(), encode(pushedKeys)));
        worker.waitAll();
        ps.barrier();
        // every node's pushes are done (run() ends in a barrier of all workers), so this brings them all in
        ps.waitReplicaSync();

        final int[] counterKeys = new int[nodes];
        for (int i = 0; i < nodes; i++)
        {
            counterKeys[i] = numKeys + i;
        }
        final float[] counters = new float[nodes * COUNTER_LENGTH];
        worker.waitFor(worker.pull(counterKeys, counters));
        final long[] perNode = new long[nodes];
        long expectedKeys = 0;
        for (int i = 0; i < nodes; i++)
        {
            perNode[i] = decode(counters, i * COUNTER_LENGTH);
            expectedKeys += perNode[i];
        }

        long sum = 0;
        String problem = null;
        final int[] chunk = new int[CHECK_CHUNK];
        final float[] values = new float[CHECK_CHUNK * length];
        for (int from = 0; from < numKeys; from += CHECK_CHUNK)
        {
            final int n = Math.min(CHECK_CHUNK, numKeys - from);
            final int[] keys = n == CHECK_CHUNK ? chunk : new int[n];
            for (int i = 0; i < n; i++)
            {
                keys[i] = from + i;
            }
            final float[] out = n == CHECK_CHUNK ? values : new float[n * length];
            worker.waitFor(worker.pull(keys, out));
            for (int i = 0; i < n; i++)
            {
                final float first = out[i * length];
                for (int j = 0; j < length; j++)
                {
                    final float value = out[i * length + j];
                    if (problem == null && (value != first || value < 0 || value != Math.rint(value)))
                    {
                        problem = "key " + keys[i] + " element " + j + " is " + value + " but element 0 is " + first +
                            " (every push adds 1 to every element, so they must be equal whole numbers)";
                    }
                    sum += (long)value;
                }
            }
        }
        final long expected = expectedKeys * length;
        if (problem == null && sum != expected)
        {
            problem = "sum of all values " + sum + " differs from the pushed total " + expected + " by " +
                (sum - expected);
        }
        return new Check(problem == null, sum, expected, perNode, problem);
    }

    private static float[] encode(final long count)
    {
        final float[] digits = new float[COUNTER_LENGTH];
        for (int i = 0; i < COUNTER_LENGTH; i++)
        {
            digits[i] = (count >>> (i * DIGIT_BITS)) & 0xFFFF;
        }
        return digits;
    }

    private static long decode(final float[] digits, final int offset)
    {
        long count = 0;
        for (int i = 0; i < COUNTER_LENGTH; i++)
        {
            count |= ((long)digits[offset + i]) << (i * DIGIT_BITS);
        }
        return count;
    }

    /** One worker's figures; written by its thread, read after join. */
    private static final class WorkerRun
    {
        final Histogram latency = new Histogram(MAX_LATENCY_NANOS, 3);
        long start;
        long end;
        long operations;
        long pushedKeys;
        long localPulls;
        long localPushes;
        long replicaKeys;
    }
}
