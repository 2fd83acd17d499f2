package io.nups.apps.kge;

import io.nups.api.ParameterServer;
import io.nups.api.Worker;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Initial model values (reference §5.1): embeddings uniform in [-scale, scale), AdaGrad accumulators at a small
 * constant. Each key's values come from a stream seeded by the seed and the key alone, so the model is the same for
 * any number of nodes; each node writes its contiguous share of the keys, so every key, replicated or not, is
 * initialized exactly once, inside the setup phase.
 */
final class KgeInit
{
    private static final int CHUNK = 256;
    private static final long KEY_SALT = 0x9E3779B97F4A7C15L;

    private final KgeKeys keys;
    private final float scale;
    private final float accumulator;
    private final long seed;

    KgeInit(final KgeKeys keys, final KgeConfig config, final long seed)
    {
        this.keys = keys;
        this.scale = (float)config.initScale();
        this.accumulator = (float)config.initAccumulator();
        this.seed = seed;
    }

    /** Every node calls this at the same time, from one thread that is not running worker operations. */
    void run(final ParameterServer ps)
    {
        ps.beginSetup();
        ps.barrier();
        final Worker worker = ps.worker(0);
        final int modelKeys = keys.entities + keys.relations;
        final int from = Partition.start(modelKeys, ps.rank(), ps.nodes());
        final int to = Partition.start(modelKeys, ps.rank() + 1, ps.nodes());
        final int firstRelationKey = keys.relationKey(0);
        int start = from;
        while (start < to)
        {
            // a chunk holds keys of one length, so it stops at the first relation key
            final int end = Math.min(start + CHUNK, start < firstRelationKey ? Math.min(to, firstRelationKey) : to);
            push(worker, start, end, start < firstRelationKey ? keys.entityLength : keys.relationLength);
            start = end;
        }
        worker.waitAll();
        ps.barrier();
        ps.waitReplicaSync(); // the setup pushes to replicas travel in setup rounds
        ps.endSetup();
        ps.barrier();
    }

    private void push(final Worker worker, final int from, final int to, final int length)
    {
        final int[] batch = new int[to - from];
        final float[] values = new float[batch.length * 2 * length];
        for (int i = 0; i < batch.length; i++)
        {
            batch[i] = from + i;
            fill(batch[i], values, i * 2 * length, length);
        }
        worker.push(batch, values); // the store starts at 0: adding the initial value sets it
    }

    /** The initial value of {@code key}: {@code length} embedding floats, then as many accumulators. */
    void fill(final int key, final float[] out, final int offset, final int length)
    {
        final SplittableRandom random = new SplittableRandom(seed * KEY_SALT + key);
        for (int i = 0; i < length; i++)
        {
            out[offset + i] = (float)(scale * (2 * random.nextDouble() - 1));
        }
        Arrays.fill(out, offset + length, offset + 2 * length, accumulator);
    }
}
