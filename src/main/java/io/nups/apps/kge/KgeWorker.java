package io.nups.apps.kge;

import io.nups.api.Worker;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * One worker's Hogwild training on its share of the training triples (reference §5.1). For each triple (s, r, o) it
 * takes one positive step, {@code negatives} steps with a sampled tail and as many with a sampled head; each step is
 * an AdaGrad update of the three embeddings involved under the logistic loss. The true triple's values are pulled
 * once, updated locally step after step, and their summed deltas pushed at the end; each sampled entity's delta is
 * pushed right after its step. Sample groups are prepared, and with lookahead the next triple's keys localized, one
 * triple ahead.
 */
final class KgeWorker
{
    private static final int PROGRESS_BATCH = 1_000;
    private static final double SIGMOID_CUTOFF = 30;

    private final Worker worker;
    private final KgeKeys keys;
    private final KgeModel model;
    private final AdaGrad adaGrad;
    private final Triples train;
    private final int[] order;
    private final SplittableRandom shuffle;
    private final int negatives;
    private final boolean localizeAhead;
    private final float entityDecay;
    private final float relationDecay;

    private final int d;
    private final int rl;
    private final int relationOffset;
    private final int tailOffset;
    private final int[] tripleKeys = new int[3];
    private final int[] aheadKeys = new int[3];
    private final float[] triple;
    private final float[] tripleDelta;
    private final int[] sampleKey = new int[1];
    private final float[] sample;
    private final float[] sampleDelta;
    private final float[] entityDirectionS;
    private final float[] entityDirectionO;
    private final float[] relationDirection;

    private double loss;

    /**
     * @param from first triple of this worker's share of {@code train}
     * @param to   end of the share (exclusive)
     */
    KgeWorker(final Worker worker, final KgeKeys keys, final KgeModel model, final KgeConfig config,
        final Triples train, final int from, final int to, final boolean localizeAhead, final long seed)
    {
        this.worker = worker;
        this.keys = keys;
        this.model = model;
        this.adaGrad = new AdaGrad(config.learningRate());
        this.train = train;
        this.order = new int[to - from];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = from + i;
        }
        this.shuffle = new SplittableRandom(seed);
        this.negatives = config.negatives();
        this.localizeAhead = localizeAhead;
        this.entityDecay = (float)config.entityRegularization();
        this.relationDecay = (float)config.relationRegularization();
        this.d = model.entityLength();
        this.rl = model.relationLength();
        this.relationOffset = 2 * d;
        this.tailOffset = 2 * d + 2 * rl;
        this.triple = new float[4 * d + 2 * rl];
        this.tripleDelta = new float[triple.length];
        this.sample = new float[2 * d];
        this.sampleDelta = new float[2 * d];
        this.entityDirectionS = new float[d];
        this.entityDirectionO = new float[d];
        this.relationDirection = new float[rl];
    }

    int triples()
    {
        return order.length;
    }

    /**
     * One pass over this worker's share in a fresh random order; reports progress in batches and returns the summed
     * loss (logistic losses of all steps plus the L2 terms of the positives).
     */
    double epoch(final LongConsumer progress)
    {
        shuffleOrder();
        loss = 0;
        long sampleId = order.length > 0 ? prepare(order[0]) : -1;
        int unreported = 0;
        for (int i = 0; i < order.length; i++)
        {
            final long nextId = i + 1 < order.length ? prepare(order[i + 1]) : -1;
            trainTriple(order[i], sampleId);
            sampleId = nextId;
            if (++unreported == PROGRESS_BATCH)
            {
                progress.accept(unreported);
                unreported = 0;
            }
        }
        if (unreported > 0)
        {
            progress.accept(unreported);
        }
        worker.waitAll();
        return loss;
    }

    /** Localizes the triple's keys (with lookahead) and prepares its sample group; returns the group id. */
    private long prepare(final int t)
    {
        if (localizeAhead)
        {
            keysOf(t, aheadKeys);
            worker.localize(aheadKeys);
        }
        return negatives > 0 ? worker.prepareSample(2 * negatives) : -1;
    }

    private void keysOf(final int t, final int[] out)
    {
        out[0] = train.heads()[t];
        out[1] = keys.relationKey(train.relations()[t]);
        out[2] = train.tails()[t];
    }

    private void trainTriple(final int t, final long sampleId)
    {
        keysOf(t, tripleKeys);
        final long pull = worker.pull(tripleKeys, triple);
        worker.waitFor(pull);
        if (pull != Worker.DONE && localizeAhead)
        {
            worker.localize(tripleKeys); // was not here in time: take it for the triple's next uses
        }
        Arrays.fill(tripleDelta, 0f);
        loss += step(triple, 0, tripleDelta, 0, triple, tailOffset, tripleDelta, tailOffset, true);
        for (int k = 0; k < 2 * negatives; k++)
        {
            worker.waitFor(worker.pullSample(sampleId, sampleKey, sample));
            Arrays.fill(sampleDelta, 0f);
            if (k < negatives)
            {
                loss += step(triple, 0, tripleDelta, 0, sample, 0, sampleDelta, 0, false);
            }
            else
            {
                loss += step(sample, 0, sampleDelta, 0, triple, tailOffset, tripleDelta, tailOffset, false);
            }
            worker.push(sampleKey[0], sampleDelta);
        }
        worker.push(tripleKeys, tripleDelta);
    }

    /**
     * One AdaGrad step on (s, r, o) with r the current triple's relation; gradients are taken at the values before
     * the step. Returns the step's loss.
     */
    private double step(final float[] s, final int so, final float[] sDelta, final int sdo, final float[] o,
        final int oo, final float[] oDelta, final int odo, final boolean positive)
    {
        final double score = model.score(s, so, triple, relationOffset, o, oo);
        final float lossSlope = (float)(sigmoid(score) - (positive ? 1 : 0));
        double stepLoss = positive ? softplus(-score) : softplus(score);
        model.headQuery(triple, relationOffset, o, oo, entityDirectionS);
        model.relationGradient(s, so, o, oo, relationDirection);
        model.tailQuery(s, so, triple, relationOffset, entityDirectionO);
        final float entityL2 = positive ? entityDecay : 0;
        final float relationL2 = positive ? relationDecay : 0;
        if (positive)
        {
            stepLoss += 0.5 * (entityL2 * (squaredNorm(s, so, d) + squaredNorm(o, oo, d)) +
                relationL2 * squaredNorm(triple, relationOffset, rl));
        }
        adaGrad.step(s, so, d, entityDirectionS, lossSlope, entityL2, sDelta, sdo);
        adaGrad.step(triple, relationOffset, rl, relationDirection, lossSlope, relationL2, tripleDelta,
            relationOffset);
        adaGrad.step(o, oo, d, entityDirectionO, lossSlope, entityL2, oDelta, odo);
        return stepLoss;
    }

    private void shuffleOrder()
    {
        for (int i = order.length - 1; i > 0; i--)
        {
            final int j = shuffle.nextInt(i + 1);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }

    /** σ(x) with NuPS's cutoff at ±30. */
    static double sigmoid(final double x)
    {
        if (x > SIGMOID_CUTOFF)
        {
            return 1;
        }
        if (x < -SIGMOID_CUTOFF)
        {
            return 0;
        }
        return 1 / (1 + Math.exp(-x));
    }

    /** log(1 + e^x) without overflow: −log σ(−x). */
    static double softplus(final double x)
    {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    private static double squaredNorm(final float[] v, final int offset, final int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += (double)v[offset + i] * v[offset + i];
        }
        return sum;
    }
}
