package io.nups.api;

import io.nups.cluster.ClusterConfig;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationCostRule;
import io.nups.manage.ReplicationOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.nups.node.ClusterStart;
import io.nups.node.NodeSettings;
import io.nups.node.TransportChoice;
import io.nups.sample.SamplingOptions;
import io.nups.store.KeyLayout;
import io.nups.store.StoreOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Entry point: configures and starts a nups node, one per process.
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
 *
 * <p><b>Several nodes.</b> Every process runs the same program; {@link Builder#cluster(ClusterConfig)} says
 * which node it is. {@link Builder#clusterFromEnvironment()} takes it from {@code scripts/nups-local}
 * (NUPS_RANK, NUPS_NODES, NUPS_COORDINATOR) or, inside {@code srun}, from Slurm, and is a single node
 * otherwise. {@code start()} returns once every node has joined and the transport is connected; every
 * node must give the same key space, mode and key permutation. Run this class with
 * {@code scripts/nups-local -n 3} (or {@code srun --ntasks-per-node=1}):
 *
 * <pre>{@code
 * public static void main(String[] args)
 * {
 *     try (ParameterServer ps = Nups.builder()
 *         .keys(100_000, 16)
 *         .threads(2)
 *         .clusterFromEnvironment()          // or .cluster(ClusterConfig.explicit(rank, 3, "host0:7300", 7301))
 *         .transport(Nups.Transport.AUTO)    // shm when every node is on this host, else rdma or tcp
 *         .mode(Nups.Mode.RELOCATION)        // keys move to the node that localizes them
 *         .keyPermutation(42)                // spread hot key ranges over the nodes
 *         .start())
 *     {
 *         Thread[] threads = new Thread[ps.threads()];
 *         for (int t = 0; t < threads.length; t++)
 *         {
 *             Worker w = ps.worker(t);
 *             threads[t] = new Thread(() -> {
 *                 int[] keys = {7, 4242, 99_999};
 *                 float[] v = new float[3 * 16];
 *                 w.localize(keys);           // ahead of use; asynchronous
 *                 java.util.Arrays.fill(v, 1f);
 *                 w.push(keys, v);            // adds 1 to every element, exactly once
 *                 w.waitAll();
 *                 w.barrier();                // every worker of every node
 *                 w.waitFor(w.pull(keys, v)); // 1 × (nodes × threads) everywhere
 *             });
 *             threads[t].start();
 *         }
 *         for (Thread t : threads) t.join();
 *         ps.barrier();                       // all nodes, e.g. before reading results
 *     }                                       // close: all nodes leave together
 * }
 * }</pre>
 */
public final class Nups
{
    private static final Logger LOG = LoggerFactory.getLogger(Nups.class);

    private Nups()
    {
    }

    public static Builder builder()
    {
        return new Builder();
    }

    /** The transport between nodes ({@code --transport}). */
    public enum Transport
    {
        /**
         * Shared memory when every node runs on this host; otherwise RDMA when this host's probe finds it usable
         * (see {@code nups doctor}), else TCP. The choice and why are logged in one line per node.
         */
        AUTO,
        /** TCP (java.nio), for nodes on any hosts. */
        TCP,
        /** Shared memory (mapped files in /dev/shm); every node must run on this host. */
        SHM,
        /**
         * RDMA (InfiniBand or RoCE through DiSNI); node addresses must be RDMA interfaces' IPv4 addresses. A host
         * where RDMA is not usable fails the start with the probe's reason.
         */
        RDMA
    }

    /** How keys held on other nodes are managed ({@code --mode}). */
    public enum Mode
    {
        /** Keys stay at their home node; the static-PS baseline. */
        CLASSIC,
        /** Keys move to the node that calls {@link Worker#localize} (Lapse/NuPS relocation). */
        RELOCATION
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
        private ClusterConfig cluster = ClusterConfig.single();
        private Transport transport = Transport.AUTO;
        private Mode mode = Mode.RELOCATION;
        private Long keyPermutationSeed;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private boolean oneSidedPulls = true;
        private boolean locationCaches;
        private ReplicationOptions replication;
        private long[] accessCounts;
        private Duration accessWindow;
        private SamplingOptions sampling;

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

        /** Which node of which cluster this process is (default: a single node). */
        public Builder cluster(final ClusterConfig config)
        {
            if (config == null)
            {
                throw new IllegalArgumentException("cluster config is null; use ClusterConfig.single() for one node");
            }
            this.cluster = config;
            return this;
        }

        /**
         * The cluster this process's environment describes: NUPS_RANK, NUPS_NODES, NUPS_COORDINATOR (and
         * NUPS_DATA_PORT) as {@code scripts/nups-local} sets them; else Slurm's (SLURM_PROCID, ...; ports from
         * {@value ClusterConfig#DEFAULT_BASE_PORT}); else a single node.
         *
         * @throws io.nups.cluster.ClusterException naming the variable when one is malformed
         */
        public Builder clusterFromEnvironment()
        {
            return clusterFromEnvironment(System.getenv());
        }

        Builder clusterFromEnvironment(final Map<String, String> env)
        {
            this.cluster = ClusterConfig.fromEnvironment(env, ClusterConfig.DEFAULT_BASE_PORT)
                .orElseGet(ClusterConfig::single);
            return this;
        }

        /** The transport between nodes (default {@link Transport#AUTO}); ignored on a single node. */
        public Builder transport(final Transport transport)
        {
            this.transport = transport;
            return this;
        }

        /** Classic (keys stay at home) or relocation (default); the same on every node. */
        public Builder mode(final Mode mode)
        {
            this.mode = mode;
            return this;
        }

        /**
         * Permute keys by a fixed pseudo-random permutation with this seed before partitioning them into
         * home ranges, so that hot key ranges spread over the nodes (default: no permutation). The same on
         * every node.
         */
        public Builder keyPermutation(final long seed)
        {
            this.keyPermutationSeed = seed;
            return this;
        }

        /**
         * Pull keys held on other nodes by one-sided reads of their slots once their location is known from an
         * earlier pull (default on); a read that finds the key gone falls back to a message. Off: every remote
         * pull is a request message answered by the holder.
         */
        public Builder oneSidedPulls(final boolean on)
        {
            this.oneSidedPulls = on;
            return this;
        }

        /**
         * Workers send requests for a key to the node last seen holding it instead of its home node (default
         * off); a stale entry costs one forward. Useful with relocation when keys stay put for a while.
         */
        public Builder locationCaches(final boolean on)
        {
            this.locationCaches = on;
            return this;
        }

        /**
         * Replicate these hot keys on every node, synchronized in the background with NuPS's defaults (25 rounds
         * per second, keys updated since the last round, no averaging or clipping). Every other key is managed
         * by the mode. The same on every node.
         */
        public Builder replicate(final HotKeys keys)
        {
            this.replication = ReplicationOptions.of(keys);
            return this;
        }

        /**
         * Replicated keys and their synchronization, e.g.
         * {@code ReplicationOptions.of(HotKeys.of(numKeys, 0, 1, 2)).withSyncsPerSecond(125).withClip(2)}.
         */
        public Builder replication(final ReplicationOptions options)
        {
            this.replication = options;
            return this;
        }

        /**
         * Choose the replicated keys by NuPS's trade-off ({@link io.nups.manage.ReplicationCostRule}): replicate a key
         * when its expected remote-access traffic exceeds what keeping it in sync costs at the configured sync rate
         * and node count. {@code countsByKey[k]} is how often key k was accessed cluster-wide over {@code window}
         * (e.g. counted over a sample of the training data, or a short warm-up with
         * {@link io.nups.manage.AccessCounts}); every node must pass the same counts. The choice and the share of
         * accesses it covers are logged. Sync options come from {@link #replication} if given (its keys are then
         * replaced), else NuPS's defaults.
         */
        public Builder replicateByAccessCounts(final long[] countsByKey, final Duration window)
        {
            this.accessCounts = countsByKey;
            this.accessWindow = window;
            return this;
        }

        /**
         * Sampling support ({@link Worker#prepareSample}): the target distribution and the scheme, e.g.
         * {@code SamplingOptions.of(AliasTable.unigram(wordCounts)).withScheme(SamplingScheme.POOL).withReuse(4)}.
         * Defaults are NuPS's (naive; pool: group size 250, reuse 1) except postponing, which is off unless
         * {@code withPostpone(true)}. Each node may choose its own.
         */
        public Builder sampling(final SamplingOptions options)
        {
            this.sampling = options;
            return this;
        }

        /** Bound on joining the cluster and connecting to every peer (default 60 s). */
        public Builder startupTimeout(final Duration timeout)
        {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * Starts this node; on several nodes, joins the cluster first and returns when every node is
         * connected (bounded by the start-up timeout).
         */
        public ParameterServer start()
        {
            if (numKeys < 0)
            {
                throw new IllegalStateException("no key space given: call keys(numKeys, valueLength)");
            }
            final KeyLayout layout = ranges != null ? ranges.build() : KeyLayout.uniform(numKeys, uniformLength);
            if (transport == null || mode == null)
            {
                throw new IllegalArgumentException("transport and mode must not be null");
            }
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero())
            {
                throw new IllegalArgumentException("start-up timeout must be positive, got " + startupTimeout);
            }
            final ReplicationOptions replicated = chooseReplicas(layout);
            final NodeSettings settings = new NodeSettings(layout, threads, store, latencySampleEvery, waitTimeout,
                profileDirectory, profileInterval, mode == Mode.RELOCATION, keyPermutationSeed)
                .withOneSidedPulls(oneSidedPulls).withLocationCaches(locationCaches).withReplication(replicated)
                .withSampling(sampling);
            return new ParameterServer(ClusterStart.start(cluster, TransportChoice.valueOf(transport.name()),
                settings, startupTimeout));
        }

        private ReplicationOptions chooseReplicas(final KeyLayout layout)
        {
            if (accessCounts == null)
            {
                return replication;
            }
            if (accessCounts.length != layout.numKeys())
            {
                throw new IllegalArgumentException("access counts are for " + accessCounts.length + " keys, but the " +
                    "key space has " + layout.numKeys());
            }
            if (accessWindow == null || accessWindow.isNegative() || accessWindow.isZero())
            {
                throw new IllegalArgumentException("the window of the access counts must be positive, got " +
                    accessWindow);
            }
            final ReplicationOptions sync = replication != null ? replication :
                ReplicationOptions.none(layout.numKeys());
            final ReplicationCostRule rule = new ReplicationCostRule(cluster.nodes(), sync.syncsPerSecond());
            final HotKeys chosen = rule.choose(accessCounts, accessWindow.toNanos() / 1e9, layout);
            LOG.info("replica choice by cost: {}; {}", chosen.describe(accessCounts), rule.explain());
            return new ReplicationOptions(chosen, sync.syncsPerSecond(), sync.pauseMillis(), sync.threshold(),
                sync.average(), sync.clip());
        }
    }
}