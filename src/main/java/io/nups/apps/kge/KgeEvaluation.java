package io.nups.apps.kge;

import io.nups.api.Worker;
import io.nups.apps.task.ClusterSums;

/**
 * Link prediction on one node, run by all its workers together (reference §5.1, in-app evaluation): after every
 * push of every node has landed, the workers copy the whole model into dense matrices (each worker a share of the
 * keys), then each ranks its share of the split's triples, and the rank sums are added up cluster-wide.
 */
final class KgeEvaluation
{
    private static final int PULL_CHUNK = 512;

    private final KgeKeys keys;
    private final KgeModel model;
    private final KnownTriples known;
    private final float[] entities;
    private final float[] relations;

    KgeEvaluation(final KgeKeys keys, final KgeModel model, final KnownTriples known)
    {
        final long entityFloats = (long)keys.entities * keys.entityLength;
        final long relationFloats = (long)keys.relations * keys.relationLength;
        if (entityFloats > Integer.MAX_VALUE - 8 || relationFloats > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("evaluation holds all " + keys.entities + " entity embeddings of " +
                keys.entityLength + " floats in one array, which exceeds 2^31 floats: turn in-app evaluation off " +
                "and evaluate such models offline from the export");
        }
        this.keys = keys;
        this.model = model;
        this.known = known;
        this.entities = new float[(int)entityFloats];
        this.relations = new float[(int)relationFloats];
    }

    /**
     * Ranks {@code split} (every worker of every node calls this at the same point, after its last push) and
     * returns the cluster-wide sums, the same on every worker.
     *
     * @param workerId this worker's index among all workers of the cluster
     * @param workers  workers in the cluster
     */
    RankSums evaluate(final Worker worker, final int workerId, final int workers, final int threads,
        final Triples split)
    {
        worker.waitAll();
        worker.barrier();
        if (worker.index() == 0)
        {
            worker.waitReplicaSync();
        }
        worker.barrier();
        copyModel(worker, threads);
        worker.barrier();
        final LinkRanker ranker = new LinkRanker(model, entities, keys.entities, relations, known);
        final RankSums sums = new RankSums();
        final int from = Partition.start(split.size(), workerId, workers);
        final int to = Partition.start(split.size(), workerId + 1, workers);
        ranker.rank(split, from, to, sums);
        return new RankSums(ClusterSums.sum(worker, keys.sumKey(), sums.values()));
    }

    /** This worker's share of the entities and of the relations, embedding halves only. */
    private void copyModel(final Worker worker, final int threads)
    {
        final int index = worker.index();
        copy(worker, 0, Partition.start(keys.entities, index, threads), Partition.start(keys.entities, index + 1,
            threads), keys.entityLength, entities);
        copy(worker, keys.entities, Partition.start(keys.relations, index, threads),
            Partition.start(keys.relations, index + 1, threads), keys.relationLength, relations);
    }

    private static void copy(final Worker worker, final int firstKey, final int from, final int to, final int length,
        final float[] matrix)
    {
        final int chunk = Math.max(1, Math.min(PULL_CHUNK, (1 << 20) / (2 * length)));
        final int[] keyChunk = new int[chunk];
        final float[] values = new float[chunk * 2 * length];
        for (int start = from; start < to; start += chunk)
        {
            final int n = Math.min(chunk, to - start);
            final int[] batch = n == chunk ? keyChunk : new int[n];
            final float[] out = n == chunk ? values : new float[n * 2 * length]; // a pull fills exactly its keys
            for (int i = 0; i < n; i++)
            {
                batch[i] = firstKey + start + i;
            }
            worker.waitFor(worker.pull(batch, out));
            for (int i = 0; i < n; i++)
            {
                System.arraycopy(out, i * 2 * length, matrix, (start + i) * length, length);
            }
        }
    }
}
