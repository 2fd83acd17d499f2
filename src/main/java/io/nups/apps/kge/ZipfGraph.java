package io.nups.apps.kge;

import io.nups.apps.mf.ZipfSampler;
import org.agrona.collections.LongHashSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded synthetic knowledge graph with Zipf-skewed entity and relation frequencies, drawn the way
 * {@code gen_nups_synth.py kge} draws (same shape and parameters, not the same numbers: that uses numpy's
 * generator, this {@link SplittableRandom}):
 * <ul>
 * <li>heads ~ Zipf(entity exponent) and relations ~ Zipf(relation exponent) over ranks, mapped to ids through a
 * random permutation, so hot ids are scattered;</li>
 * <li>every entity is in one of {@code clusters} clusters; every relation maps clusters to clusters by a random
 * permutation; with probability {@code structuredShare} the tail is drawn from the cluster the relation maps the
 * head's cluster to (by Zipf weight within it), else from the same Zipf as heads (noise);</li>
 * <li>duplicate triples are rejected until {@code train + valid + test} unique ones exist; they are shuffled;
 * valid and then test are taken in that order, skipping triples whose removal would leave an entity or relation
 * out of train; all the others are train.</li>
 * </ul>
 * So every entity and relation of valid and test occurs in train. If the graph is too sparse to hold out that
 * many, valid and test come out shorter and train longer.
 */
public final class ZipfGraph
{
    private ZipfGraph()
    {
    }

    /**
     * What to generate.
     *
     * @param entities         number of entities (ids {@code [0, entities)}; rarely drawn ones may not occur)
     * @param relations        number of relations
     * @param clusters         number of entity clusters that structure the tails
     * @param entityExponent   Zipf exponent of entity frequencies
     * @param relationExponent Zipf exponent of relation frequencies
     * @param structuredShare  probability that a tail follows the relation's cluster map instead of being noise
     * @param train            number of training triples
     * @param valid            number of validation triples
     * @param test             number of test triples
     * @param seed             the seed; the same spec always gives the same graph
     */
    public record Spec(int entities, int relations, int clusters, double entityExponent, double relationExponent,
        double structuredShare, int train, int valid, int test, long seed)
    {
        public Spec
        {
            if (entities < 2 || relations < 1 || clusters < 1)
            {
                throw new IllegalArgumentException("a synthetic graph needs at least 2 entities, 1 relation and 1 " +
                    "cluster, got " + entities + ", " + relations + ", " + clusters);
            }
            if ((long)relations * clusters > 1 << 28)
            {
                throw new IllegalArgumentException("relations x clusters must be at most 2^28 (one cluster map per " +
                    "relation), got " + relations + " x " + clusters);
            }
            if (!(structuredShare >= 0 && structuredShare <= 1))
            {
                throw new IllegalArgumentException("structured share must be in [0, 1], got " + structuredShare);
            }
            if (train < 1 || valid < 1 || test < 1)
            {
                throw new IllegalArgumentException("a synthetic graph needs at least 1 train, valid and test triple, " +
                    "got " + train + ", " + valid + ", " + test);
            }
            final long total = (long)train + valid + test;
            final double possible = (double)entities * relations * entities;
            if (total > Integer.MAX_VALUE || possible >= 0x1p62 || total > possible / 2)
            {
                throw new IllegalArgumentException(total + " triples do not fit a graph of " + entities +
                    " entities and " + relations + " relations: use at most half of the " + (long)possible +
                    " possible triples (and fewer than 2^62 possible, 2^31 wanted)");
            }
        }

        /** {@code gen_nups_synth.py kge}'s defaults: 100k entities, 100 relations, 1M train, 5k valid, 5k test. */
        public static Spec defaults()
        {
            return new Spec(100_000, 100, 1000, 1.1, 1.1, 0.8, 1_000_000, 5000, 5000, 20220613L);
        }

        /** This spec with other sizes. */
        public Spec sized(final int entities, final int relations, final int train, final int valid, final int test)
        {
            return new Spec(entities, relations, clusters, entityExponent, relationExponent, structuredShare, train,
                valid, test, seed);
        }

        /** This spec with another seed. */
        public Spec withSeed(final long seed)
        {
            return new Spec(entities, relations, clusters, entityExponent, relationExponent, structuredShare, train,
                valid, test, seed);
        }

        /** This spec with another entity and relation exponent. */
        public Spec withExponents(final double entityExponent, final double relationExponent)
        {
            return new Spec(entities, relations, clusters, entityExponent, relationExponent, structuredShare, train,
                valid, test, seed);
        }
    }

    /** Generates the graph of {@code spec}; entities and relations are named by their decimal ids. */
    public static KgeDataset generate(final Spec spec)
    {
        final SplittableRandom rng = new SplittableRandom(spec.seed());
        final TripleColumns unique = drawUnique(spec, rng);
        final int[] order = permutation(unique.size(), rng);
        return split(spec, unique.toTriples(), order);
    }

    /**
     * Writes {@code dataset} the way NuPS keeps a KGE data set: the libkge {@code .del} files with id files
     * ({@link DelFiles#write}) and {@value KgeFrequencies#FILE_NAME} counted from train.
     */
    public static void write(final KgeDataset dataset, final Path directory) throws IOException
    {
        DelFiles.write(dataset, directory);
        KgeFrequencies.write(dataset.train(), KgeKeyLayout.of(dataset), directory.resolve(KgeFrequencies.FILE_NAME));
    }

    private static TripleColumns drawUnique(final Spec spec, final SplittableRandom rng)
    {
        final int entities = spec.entities();
        final int relations = spec.relations();
        final int clusters = spec.clusters();
        final int[] entityOfRank = permutation(entities, rng);
        final int[] relationOfRank = permutation(relations, rng);
        final ZipfSampler entityRanks = new ZipfSampler(entities, spec.entityExponent());
        final ZipfSampler relationRanks = new ZipfSampler(relations, spec.relationExponent());
        final int[] clusterOf = new int[entities];
        for (int e = 0; e < entities; e++)
        {
            clusterOf[e] = rng.nextInt(clusters);
        }
        final int[] clusterMaps = new int[relations * clusters]; // relation r maps cluster c to [r * clusters + c]
        for (int r = 0; r < relations; r++)
        {
            System.arraycopy(permutation(clusters, rng), 0, clusterMaps, r * clusters, clusters);
        }
        final ClusterMembers members = new ClusterMembers(clusterOf, clusters, entityOfRank, entityRanks);

        final int total = spec.train() + spec.valid() + spec.test();
        final TripleColumns unique = new TripleColumns();
        final LongHashSet seen = new LongHashSet(2 * total);
        final long maxDraws = 50L * total + 1_000_000;
        long draws = 0;
        while (unique.size() < total)
        {
            if (draws++ == maxDraws)
            {
                throw new IllegalArgumentException("after " + maxDraws + " draws only " + unique.size() + " of " +
                    total + " triples are distinct: the graph is too small or too skewed for that many triples; " +
                    "use more entities or relations, smaller exponents, or fewer triples");
            }
            final int head = entityOfRank[entityRanks.sample(rng)];
            final int relation = relationOfRank[relationRanks.sample(rng)];
            int tail = -1;
            if (rng.nextDouble() < spec.structuredShare())
            {
                tail = members.sample(clusterMaps[relation * clusters + clusterOf[head]], rng.nextDouble());
            }
            if (tail < 0)
            {
                tail = entityOfRank[entityRanks.sample(rng)];
            }
            if (seen.add(((long)head * relations + relation) * entities + tail))
            {
                unique.add(head, relation, tail);
            }
        }
        return unique;
    }

    /** Holds out valid then test triples in {@code order} as long as train keeps every id; the rest is train. */
    private static KgeDataset split(final Spec spec, final Triples all, final int[] order)
    {
        final int[] heads = all.heads();
        final int[] relations = all.relations();
        final int[] tails = all.tails();
        final int[] entityCount = new int[spec.entities()];
        final int[] relationCount = new int[spec.relations()];
        for (int i = 0; i < all.size(); i++)
        {
            entityCount[heads[i]]++;
            entityCount[tails[i]]++;
            relationCount[relations[i]]++;
        }
        final boolean[] heldOut = new boolean[all.size()];
        final TripleColumns valid = new TripleColumns();
        final TripleColumns test = new TripleColumns();
        for (int k = 0; k < order.length && valid.size() + test.size() < spec.valid() + spec.test(); k++)
        {
            final int i = order[k];
            final int h = heads[i];
            final int t = tails[i];
            final int r = relations[i];
            final int entityUses = h == t ? 2 : 1;
            if (entityCount[h] > entityUses && entityCount[t] > entityUses && relationCount[r] > 1)
            {
                entityCount[h]--;
                entityCount[t]--;
                relationCount[r]--;
                heldOut[i] = true;
                (valid.size() < spec.valid() ? valid : test).add(h, r, t);
            }
        }
        if (test.size() == 0)
        {
            throw new IllegalArgumentException("only " + valid.size() + " triples can be held out without leaving " +
                "an entity or relation out of train; use more training triples or fewer valid/test triples");
        }
        final TripleColumns train = new TripleColumns();
        for (final int i : order)
        {
            if (!heldOut[i])
            {
                train.add(heads[i], relations[i], tails[i]);
            }
        }
        return new KgeDataset(describe(spec), numbered(spec.entities()), numbered(spec.relations()),
            train.toTriples(), valid.toTriples(), test.toTriples());
    }

    private static String describe(final Spec spec)
    {
        return "synthetic-zipf entities=" + spec.entities() + " relations=" + spec.relations() + " clusters=" +
            spec.clusters() + " s_ent=" + spec.entityExponent() + " s_rel=" + spec.relationExponent() +
            " p_struct=" + spec.structuredShare() + " train=" + spec.train() + " valid=" + spec.valid() + " test=" +
            spec.test() + " seed=" + spec.seed();
    }

    private static List<String> numbered(final int count)
    {
        final String[] names = new String[count];
        Arrays.setAll(names, Integer::toString);
        return Arrays.asList(names);
    }

    /** A uniformly random permutation of {@code [0, n)} (Fisher-Yates). */
    private static int[] permutation(final int n, final SplittableRandom rng)
    {
        final int[] values = new int[n];
        Arrays.setAll(values, i -> i);
        for (int i = n - 1; i > 0; i--)
        {
            final int j = rng.nextInt(i + 1);
            final int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
        return values;
    }

    /** Entities grouped by cluster, each group with the cumulative distribution of its members' Zipf weights. */
    private static final class ClusterMembers
    {
        private final int[] starts;
        private final int[] members;
        private final double[] cumulative;

        ClusterMembers(final int[] clusterOf, final int clusters, final int[] entityOfRank, final ZipfSampler ranks)
        {
            final double[] weight = new double[clusterOf.length];
            for (int rank = 0; rank < entityOfRank.length; rank++)
            {
                weight[entityOfRank[rank]] = ranks.probability(rank);
            }
            starts = new int[clusters + 1];
            for (final int c : clusterOf)
            {
                starts[c + 1]++;
            }
            for (int c = 0; c < clusters; c++)
            {
                starts[c + 1] += starts[c];
            }
            members = new int[clusterOf.length];
            final int[] next = Arrays.copyOf(starts, clusters);
            for (int e = 0; e < clusterOf.length; e++)
            {
                members[next[clusterOf[e]]++] = e;
            }
            cumulative = new double[clusterOf.length];
            for (int c = 0; c < clusters; c++)
            {
                double sum = 0;
                for (int i = starts[c]; i < starts[c + 1]; i++)
                {
                    sum += weight[members[i]];
                    cumulative[i] = sum;
                }
                for (int i = starts[c]; i < starts[c + 1]; i++)
                {
                    cumulative[i] /= sum;
                }
            }
        }

        /** The member of {@code cluster} at cumulative probability {@code u}, or -1 if the cluster is empty. */
        int sample(final int cluster, final double u)
        {
            int low = starts[cluster];
            int high = starts[cluster + 1] - 1;
            if (high < low)
            {
                return -1;
            }
            while (low < high)
            {
                final int mid = (low + high) >>> 1;
                if (cumulative[mid] > u)
                {
                    high = mid;
                }
                else
                {
                    low = mid + 1;
                }
            }
            return members[low];
        }
    }
}
