package io.nups.perf;

import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.store.SlotDescriptor;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost of the local worker path: one operation is a pull of one key into a {@code float[]} followed by a
 * push of a delta {@code float[]} to the same key, the inner step of an SGD worker whose keys are all held
 * on its own node.
 *
 * <p>Three implementations of that step, each over {@value #NUM_KEYS} keys of {@code length} floats:
 * <ul>
 *   <li>{@code ps_*}: the nups public API, {@link Worker#pull(int, float[])} then
 *       {@link Worker#push(int, float[])} on a single-node {@link ParameterServer} with latency sampling 1/16.
 *       This includes everything the API does per call: argument checks, the in-call marker, the seqlock read
 *       of the slot, the CAS-locked add, the slot checksum, and the latency sample.</li>
 *   <li>{@code raw_*}: the floor for off-heap storage. An Agrona {@link UnsafeBuffer} over one off-heap region
 *       laid out like the store's slabs (slot stride {@link SlotDescriptor#slotLength(int)}, values at
 *       {@link SlotDescriptor#VALUES_OFFSET}); pull is a {@code getFloat} loop into the {@code float[]}, push a
 *       {@code getFloat}/{@code putFloat} add loop. No synchronisation, no version word, no checksum, and
 *       Agrona's default bounds checks (on unless {@code -Dagrona.disable.bounds.checks=true}).</li>
 *   <li>{@code rawUnchecked_*}: the same code in a fork started with {@code -Dagrona.disable.bounds.checks=true}
 *       (so the loops compile to plain unsafe loads and stores), the fastest off-heap floor.</li>
 *   <li>{@code heap_*}: the floor for on-heap storage. One flat {@code float[NUM_KEYS * length]}; pull is
 *       {@link System#arraycopy}, push a plain add loop. No synchronisation either.</li>
 * </ul>
 *
 * <p><b>Threads.</b> Each variant runs with 1 thread ({@code *_t1}) and with one thread per available
 * processor ({@code *_tmax}, {@link Threads#MAX}); do not pass {@code -t}, which would override both. The
 * parameter server is always started with one worker per available processor; JMH thread i uses worker i.
 *
 * <p><b>Keys.</b> All variants and all threads walk the same precomputed sequence of {@value #SEQUENCE_LENGTH}
 * uniformly random keys (fixed seed) over the whole key space, so the working set is the full store (from
 * 12.8 MB at length 16 to 211 MB at length 512), not one hot cache line. The key space is <em>shared</em>:
 * thread i of n starts at position {@code i * SEQUENCE_LENGTH / n} of the sequence, so threads touch
 * different keys at any moment but every key is touched by every thread over time (two threads hitting
 * the same key at once happens with probability about 1/{@value #NUM_KEYS} per operation). The raw and heap
 * baselines therefore race on such a collision (an add can be lost); the parameter server does not.
 *
 * <p>Every value starts at 0 and each push adds a small constant, so no value reaches a denormal or
 * infinity during a run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LocalPathBenchmark
{
    /** Size of the key space. */
    public static final int NUM_KEYS = 100_000;

    /** Length of the shared key sequence (a power of two). */
    public static final int SEQUENCE_LENGTH = 1 << 20;

    private static final int SEQUENCE_MASK = SEQUENCE_LENGTH - 1;
    private static final long SEED = 0x5EED_1234_ABCDL;
    private static final float DELTA = 1.0e-3f;
    private static final int PAGE = 4096;
    private static final String UNCHECKED = "-D" + UnsafeBuffer.DISABLE_BOUNDS_CHECKS_PROP_NAME + "=true";

    /** The key sequence every variant and thread walks. */
    static final int[] KEYS = keySequence();

    private static int[] keySequence()
    {
        final SplittableRandom random = new SplittableRandom(SEED);
        final int[] keys = new int[SEQUENCE_LENGTH];
        for (int i = 0; i < keys.length; i++)
        {
            keys[i] = random.nextInt(NUM_KEYS);
        }
        return keys;
    }

    private static int workerCount()
    {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Per-thread buffers and position in {@link #KEYS}, common to all variants. */
    abstract static class Cursor
    {
        float[] out;
        float[] delta;
        int position;

        final void init(final int length, final ThreadParams threads)
        {
            out = new float[length];
            delta = new float[length];
            Arrays.fill(delta, DELTA);
            position = (int)((long)threads.getThreadIndex() * SEQUENCE_LENGTH / threads.getThreadCount());
        }

        final int nextKey()
        {
            final int key = KEYS[position];
            position = (position + 1) & SEQUENCE_MASK;
            return key;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // (a) parameter server

    @State(Scope.Benchmark)
    public static class PsStore
    {
        @Param({"16", "128", "512"})
        public int length;

        ParameterServer ps;

        @Setup(Level.Trial)
        public void setUp()
        {
            ps = Nups.builder().keys(NUM_KEYS, length).threads(workerCount()).latencySampling(16).start();
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            ps.close();
        }
    }

    @State(Scope.Thread)
    public static class PsThread extends Cursor
    {
        Worker worker;

        @Setup(Level.Trial)
        public void setUp(final PsStore store, final ThreadParams threads)
        {
            init(store.length, threads);
            worker = store.ps.worker(threads.getThreadIndex());
        }
    }

    private static void psStep(final PsThread t, final Blackhole bh)
    {
        final int key = t.nextKey();
        final Worker worker = t.worker;
        final long pulled = worker.pull(key, t.out);
        final long pushed = worker.push(key, t.delta);
        bh.consume(pulled);
        bh.consume(pushed);
        bh.consume(t.out);
    }

    @Benchmark
    @Threads(1)
    public void ps_t1(final PsThread t, final Blackhole bh)
    {
        psStep(t, bh);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void ps_tmax(final PsThread t, final Blackhole bh)
    {
        psStep(t, bh);
    }

    // ------------------------------------------------------------------------------------------------
    // (b) raw Agrona UnsafeBuffer over an off-heap region in the store's slot layout

    @State(Scope.Benchmark)
    public static class RawStore
    {
        @Param({"16", "128", "512"})
        public int length;

        ByteBuffer memory;
        UnsafeBuffer buffer;
        int slotLength;

        @Setup(Level.Trial)
        public void setUp(final BenchmarkParams params)
        {
            if (params.getBenchmark().contains(".rawUnchecked_") && UnsafeBuffer.SHOULD_BOUNDS_CHECK)
            {
                throw new IllegalStateException("rawUnchecked needs " + UNCHECKED + " in its fork; a -jvmArgsAppend " +
                    "on the command line replaces the one of @Fork");
            }
            slotLength = SlotDescriptor.slotLength(length);
            final long bytes = (long)slotLength * NUM_KEYS;
            if (bytes + PAGE > Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException("raw region of " + bytes + " bytes does not fit one buffer");
            }
            // Page-aligned like a slab: over-allocate by a page and wrap the aligned part.
            memory = ByteBuffer.allocateDirect((int)bytes + PAGE);
            final long address = (BufferUtil.address(memory) + PAGE - 1) & -PAGE;
            buffer = new UnsafeBuffer(address, (int)bytes);
            buffer.setMemory(0, (int)bytes, (byte)0); // zero and touch every page before measuring
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            buffer.wrap(new byte[0]);
            BufferUtil.free(memory);
            memory = null;
        }
    }

    @State(Scope.Thread)
    public static class RawThread extends Cursor
    {
        UnsafeBuffer buffer;
        int slotLength;

        @Setup(Level.Trial)
        public void setUp(final RawStore store, final ThreadParams threads)
        {
            init(store.length, threads);
            buffer = store.buffer;
            slotLength = store.slotLength;
        }
    }

    private static void rawStep(final RawThread t, final Blackhole bh)
    {
        final int key = t.nextKey();
        final UnsafeBuffer buffer = t.buffer;
        final int values = key * t.slotLength + SlotDescriptor.VALUES_OFFSET;
        final float[] out = t.out;
        final int length = out.length;
        for (int i = 0; i < length; i++)
        {
            out[i] = buffer.getFloat(values + 4 * i);
        }
        final float[] delta = t.delta;
        for (int i = 0; i < length; i++)
        {
            final int index = values + 4 * i;
            buffer.putFloat(index, buffer.getFloat(index) + delta[i]);
        }
        bh.consume(out);
    }

    @Benchmark
    @Threads(1)
    public void raw_t1(final RawThread t, final Blackhole bh)
    {
        rawStep(t, bh);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void raw_tmax(final RawThread t, final Blackhole bh)
    {
        rawStep(t, bh);
    }

    /** {@link #raw_t1} in a fork with Agrona's bounds checks disabled: the floor of the getFloat/putFloat loops. */
    @Benchmark
    @Threads(1)
    @Fork(value = 1, jvmArgsAppend = UNCHECKED)
    public void rawUnchecked_t1(final RawThread t, final Blackhole bh)
    {
        rawStep(t, bh);
    }

    @Benchmark
    @Threads(Threads.MAX)
    @Fork(value = 1, jvmArgsAppend = UNCHECKED)
    public void rawUnchecked_tmax(final RawThread t, final Blackhole bh)
    {
        rawStep(t, bh);
    }

    // ------------------------------------------------------------------------------------------------
    // (c) heap float[]

    @State(Scope.Benchmark)
    public static class HeapStore
    {
        @Param({"16", "128", "512"})
        public int length;

        float[] values;

        @Setup(Level.Trial)
        public void setUp()
        {
            values = new float[Math.multiplyExact(NUM_KEYS, length)];
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            values = null;
        }
    }

    @State(Scope.Thread)
    public static class HeapThread extends Cursor
    {
        float[] values;

        @Setup(Level.Trial)
        public void setUp(final HeapStore store, final ThreadParams threads)
        {
            init(store.length, threads);
            values = store.values;
        }
    }

    private static void heapStep(final HeapThread t, final Blackhole bh)
    {
        final int key = t.nextKey();
        final float[] values = t.values;
        final float[] out = t.out;
        final int length = out.length;
        final int offset = key * length;
        System.arraycopy(values, offset, out, 0, length);
        final float[] delta = t.delta;
        for (int i = 0; i < length; i++)
        {
            values[offset + i] += delta[i];
        }
        bh.consume(out);
    }

    @Benchmark
    @Threads(1)
    public void heap_t1(final HeapThread t, final Blackhole bh)
    {
        heapStep(t, bh);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void heap_tmax(final HeapThread t, final Blackhole bh)
    {
        heapStep(t, bh);
    }
}
