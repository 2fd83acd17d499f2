package io.nups.api;

import io.nups.node.Node;
import io.nups.node.NodeSettings;
import io.nups.store.KeyLayout;
import io.nups.store.StoreOptions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Entry point: configures and starts a nups node.
 *
 * <pre>{@code
 * try (ParameterServer ps = Nups.builder()
 *     .keys(1_000_000, 128)        // 1M keys of 128 floats
 *     .threads(4)
 *     .profile(Path.of("profile")) // .hlog and .hgrm files
 *     .start())
 * {
 *     Worker w = ps.worker(0);      // one per thread
 *     ...
 *     System.out.println(ps.latencySummary());
 * }
 * }</pre>
 */
public final class Nups
{
    private Nups()
    {
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** Options of a node; every setter validates when {@link #start()} runs. */
    public static final class Builder
    {
        private int numKeys = -1;
        private KeyLayout.Builder ranges;
        private int uniformLength = -1;
        private int threads = 1;
        private StoreOptions store = StoreOptions.DEFAULT;
        private int latencySampleEvery = 16;
        private Duration waitTimeout = Duration.ofSeconds(120);
        private Path profileDirectory;
        private Duration profileInterval = Duration.ofSeconds(1);

        private Builder()
        {
        }

        /** Key space {@code [0, numKeys)}, every key with {@code valueLength} floats. */
        public Builder keys(final int numKeys, final int valueLength)
        {
            this.numKeys = numKeys;
            this.uniformLength = valueLength;
            this.ranges = null;
            return this;
        }

        /** Key space {@code [0, numKeys)} with lengths given per range by {@link #valueLength}. */
        public Builder keys(final int numKeys)
        {
            this.numKeys = numKeys;
            this.uniformLength = -1;
            this.ranges = KeyLayout.builder(numKeys);
            return this;
        }

        /** Keys {@code [from, to)} have {@code length} floats; the ranges must tile the key space. */
        public Builder valueLength(final int from, final int to, final int length)
        {
            if (ranges == null)
            {
                throw new IllegalStateException("call keys(numKeys) before giving value lengths per range");
            }
            ranges.range(from, to, length);
            return this;
        }

        /** Worker threads on this node (default 1). */
        public Builder threads(final int threads)
        {
            this.threads = threads;
            return this;
        }

        /** Share of each value length's keys this node can hold, in (0, 1] (default 1: all). */
        public Builder storeCapacity(final double factor)
        {
            this.store = store.withCapacityFactor(factor);
            return this;
        }

        /** Back slabs by mapped files in {@code directory} (e.g. /dev/shm) instead of anonymous memory. */
        public Builder slabFiles(final Path directory, final String filePrefix)
        {
            this.store = store.withMappedFiles(directory, filePrefix);
            return this;
        }

        /** Largest slab in bytes (default and maximum just under 2 GiB). */
        public Builder maxSlabBytes(final int bytes)
        {
            this.store = store.withMaxSlabLength(bytes);
            return this;
        }

        /** Time 1 of every {@code every} local operations per kind (a power of two; default 16; 1 = all). */
        public Builder latencySampling(final int every)
        {
            this.latencySampleEvery = every;
            return this;
        }

        /** Bound on every wait: operation completion and barriers (default 120 s). */
        public Builder waitTimeout(final Duration timeout)
        {
            this.waitTimeout = timeout;
            return this;
        }

        /** Write an interval log ({@code .hlog}) and percentile files ({@code .hgrm}) into {@code directory}. */
        public Builder profile(final Path directory)
        {
            this.profileDirectory = directory;
            return this;
        }

        /** Interval of the {@code .hlog} (default 1 s). */
        public Builder profileInterval(final Duration interval)
        {
            this.profileInterval = interval;
            return this;
        }

        public ParameterServer start()
        {
            if (numKeys < 0)
            {
                throw new IllegalStateException("no key space given: call keys(numKeys, valueLength)");
            }
            final KeyLayout layout = ranges != null ? ranges.build() : KeyLayout.uniform(numKeys, uniformLength);
            return new ParameterServer(new Node(new NodeSettings(
                layout, threads, store, latencySampleEvery, waitTimeout, profileDirectory, profileInterval, false, null)));
        }
    }
}
