package io.nups.apps.w2v;

import io.nups.api.Worker;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.TaskRun;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One worker thread's skip-gram training (reference §5.2) on its share of the node's share of the training
 * sentences, Hogwild-style on the parameter server: per window it pulls the centre word's output vector and the
 * context words' input vectors, pulls the window's negatives through the sampling primitives, applies word2vec's
 * update rule to local copies and pushes the deltas. Ahead of use it prepares the sample groups of the next
 * {@code prepareAhead} windows and, with localize-ahead, relocates the next sentence's keys (subsampled with the
 * same random stream, so exactly the keys it will use).
 */
final class W2vWorker implements Runnable
{
    /** word2vec updates the learning rate every 10k words. */
    private static final long ALPHA_INTERVAL = 10_000;
    private static final double MIN_ALPHA_FACTOR = 1e-4;
    private static final int SUM_LOSS = 0;
    private static final int SUM_PAIRS = 1;

    private final Worker worker;
    private final int rank;
    private final int nodes;
    private final W2vConfig config;
    private final TokenStream text;
    private final W2vKeys keys;
    private final Subsampling subsampling;
    private final W2vQuality quality;
    private final NodeEpochs node;
    private final TaskRun run;
    private final int epochs;
    private final boolean localizeAhead;
    private final int firstSentence;
    private final int endSentence;
    private final long nodeWords;
    private final long totalWords;
    private final int dim;

    private final SkipGramStep step;
    private final int[][] pullKeys;
    private final float[][] pullValues;
    /** Negatives per pullSample call: all of a context's, or 1 where the scheme serves one key per call. */
    private final int samplesPerCall;
    private final int[][] sampleKeys;
    private final float[][] sampleValues;
    private final long[] sampleHandles;
    private final float[] centreDelta;
    private Sentence current = new Sentence();
    private Sentence next = new Sentence();
    private long random;
    private float alpha;
    private long wordsPending;
    private long pairs;

    W2vWorker(final Worker worker, final int rank, final int nodes, final int threads, final W2vConfig config,
        final Corpus corpus, final W2vKeys keys, final Subsampling subsampling, final W2vQuality quality,
        final NodeEpochs node, final TaskRun run, final int epochs, final boolean localizeAhead,
        final int samplesPerCall, final long seed)
    {
        this.worker = worker;
        this.rank = rank;
        this.nodes = nodes;
        this.config = config;
        this.text = corpus.train();
        this.keys = keys;
        this.subsampling = subsampling;
        this.quality = quality;
        this.node = node;
        this.run = run;
        this.epochs = epochs;
        this.localizeAhead = localizeAhead;
        this.dim = config.dim();
        this.totalWords = text.size();
        // The node's share of the tokens, then this worker's share of the node's, both cut at sentence starts.
        final int nodeFirst = sentenceAt(text, (long)text.size() * rank / nodes);
        final int nodeEnd = sentenceAt(text, (long)text.size() * (rank + 1) / nodes);
        final long nodeStartToken = text.start(nodeFirst);
        this.nodeWords = text.tokensIn(nodeFirst, nodeEnd);
        final int index = worker.index();
        this.firstSentence = sentenceAt(text, nodeStartToken + nodeWords * index / threads);
        this.endSentence = sentenceAt(text, nodeStartToken + nodeWords * (index + 1) / threads);
        this.step = new SkipGramStep(dim, new Sigmoid(config.exactSigmoid()));
        final int maxContexts = 2 * config.window();
        this.pullKeys = new int[maxContexts + 1][];
        this.pullValues = new float[maxContexts + 1][];
        for (int m = 1; m <= maxContexts; m++)
        {
            pullKeys[m] = new int[m + 1];
            pullValues[m] = new float[(m + 1) * dim];
        }
        if (config.negative() % samplesPerCall != 0)
        {
            throw new IllegalArgumentException(samplesPerCall + " samples per call do not divide " +
                config.negative() + " negatives");
        }
        this.samplesPerCall = samplesPerCall;
        final int maxCalls = maxContexts * config.negative() / samplesPerCall;
        this.sampleKeys = new int[maxCalls][samplesPerCall];
        this.sampleValues = new float[maxCalls][samplesPerCall * dim];
        this.sampleHandles = new long[maxCalls];
        this.centreDelta = new float[dim];
        this.random = seed;
        this.alpha = (float)config.alpha();
    }

    /** Tokens of this node per epoch. */
    long nodeWords()
    {
        return nodeWords;
    }

    /** The first sentence starting at or after token {@code token} (the sentence count if none). */
    static int sentenceAt(final TokenStream text, final long token)
    {
        int low = 0;
        int high = text.sentences();
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (text.start(mid) < token)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    @Override
    public void run()
    {
        final boolean reporter = worker.index() == 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            if (reporter)
            {
                node.startEpoch();
                run.epochStarted(epoch, nodeWords);
            }
            worker.barrier();
            pairs = 0;
            trainShare();
            worker.waitAll();
            node.workerFinished(pairs);
            final double[] totals = ClusterSums.sum(worker, keys.sums(), new double[] {step.takeLoss(), pairs});
            final Map<String, Double> metrics = epoch == epochs ? evaluate() : Map.of();
            if (reporter)
            {
                run.epochFinished(node.finishEpoch(epoch, totals[SUM_PAIRS] > 0 ? totals[SUM_LOSS] / totals[SUM_PAIRS] :
                    Double.NaN, metrics));
            }
        }
        if (epochs == 0)
        {
            node.quality(evaluate());
        }
    }

    /**
     * Every worker of every node takes part (the sums' barriers); worker 0 of rank 0 scores and logs, and the
     * sum broadcasts its figures so that every node reports the same.
     */
    private Map<String, Double> evaluate()
    {
        worker.waitReplicaSync();
        worker.barrier();
        final double[] local = new double[2];
        if (rank == 0 && worker.index() == 0)
        {
            final float[] unit = quality.unitVectors(worker);
            final Map<String, Double> scores = quality.score(unit);
            run.log(quality.note());
            quality.neighbours(unit).forEach(run::log);
            local[0] = scores.get(quality.scoreName());
            local[1] = scores.get(W2vQuality.PAIRS);
        }
        final double[] totals = ClusterSums.sum(worker, keys.sums(), local);
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(quality.scoreName(), totals[0]);
        metrics.put(W2vQuality.PAIRS, totals[1]);
        node.quality(metrics);
        return metrics;
    }

    private void trainShare()
    {
        if (firstSentence >= endSentence)
        {
            return;
        }
        current.fill(firstSentence);
        current.localize();
        current.prepare(0, config.prepareAhead());
        for (int s = firstSentence; s < endSentence; s++)
        {
            if (s + 1 < endSentence)
            {
                next.fill(s + 1);
                next.localize();
                next.prepare(0, config.prepareAhead());
            }
            final int ahead = config.prepareAhead();
            for (int p = 0; p < current.length; p++)
            {
                if (p + ahead < current.length)
                {
                    current.prepare(p + ahead, p + ahead + 1);
                }
                trainWindow(current, p);
            }
            countWords(text.end(s) - text.start(s));
            final Sentence swap = current;
            current = next;
            next = swap;
        }
        flushWords();
    }

    private void trainWindow(final Sentence sentence, final int p)
    {
        final int contexts = sentence.contexts[p];
        if (contexts == 0)
        {
            return;
        }
        final int[] words = sentence.words;
        final int[] pulled = pullKeys[contexts];
        final float[] values = pullValues[contexts];
        final int centreKey = keys.output(words[p]);
        pulled[0] = centreKey;
        int j = 1;
        for (int c = sentence.from(p); c <= sentence.to(p); c++)
        {
            if (c != p)
            {
                pulled[j++] = keys.input(words[c]);
            }
        }
        final long pull = worker.pull(pulled, values);
        final int calls = contexts * config.negative() / samplesPerCall;
        final long group = sentence.groups[p];
        for (int call = 0; call < calls; call++)
        {
            sampleHandles[call] = worker.pullSample(group, sampleKeys[call], sampleValues[call]);
        }
        worker.waitFor(pull);
        for (int call = 0; call < calls; call++)
        {
            worker.waitFor(sampleHandles[call]);
        }
        java.util.Arrays.fill(centreDelta, 0);
        int sample = 0;
        for (int context = 1; context <= contexts; context++)
        {
            final int in = context * dim;
            step.beginPair();
            final float g = step.target(values, in, values, 0, 1, alpha);
            step.addScaled(values, 0, g, values, in);
            step.addScaled(centreDelta, 0, g, values, in);
            for (int t = 0; t < config.negative(); t++, sample++)
            {
                // The sample's values become its delta in place; a negative that is the word itself gets none
                // (word2vec skips it).
                final float[] target = sampleValues[sample / samplesPerCall];
                final int offset = (sample % samplesPerCall) * dim;
                final boolean skip = sampleKeys[sample / samplesPerCall][sample % samplesPerCall] == centreKey;
                final float gn = skip ? 0 : step.target(values, in, target, offset, 0, alpha);
                step.setScaled(target, offset, gn, values, in);
            }
            step.endPair(values, in);
        }
        for (int call = 0; call < calls; call++)
        {
            worker.push(sampleKeys[call], sampleValues[call]);
        }
        System.arraycopy(centreDelta, 0, values, 0, dim);
        worker.push(pulled, values);
        pairs += contexts;
    }

    private void countWords(final int words)
    {
        wordsPending += words;
        if (wordsPending >= ALPHA_INTERVAL)
        {
            flushWords();
        }
    }

    /** Reports the pending words as progress and recomputes α from the node's words so far (word2vec's decay). */
    private void flushWords()
    {
        if (wordsPending == 0)
        {
            return;
        }
        final long done = node.addWords(wordsPending);
        run.progress(wordsPending);
        wordsPending = 0;
        alpha = (float)alpha(config.alpha(), done, nodes, epochs, totalWords);
    }

    /** α₀·(1 − words·nodes/(epochs·W + 1)), at least α₀·1e-4 (reference §5.2). */
    static double alpha(final double start, final long nodeWordsDone, final int nodes, final int epochs,
        final long totalWords)
    {
        final double rate = start * (1 - (double)nodeWordsDone * nodes / ((double)epochs * totalWords + 1));
        return Math.max(rate, start * MIN_ALPHA_FACTOR);
    }

    /** word2vec's linear congruential generator. */
    private long nextRandom()
    {
        random = random * 25214903917L + 11;
        return random;
    }

    /** A subsampled sentence with its windows: reduced window b, context count and sample group per position. */
    private final class Sentence
    {
        final int[] words = new int[CorpusReader.MAX_SENTENCE_WORDS];
        final int[] reduce = new int[CorpusReader.MAX_SENTENCE_WORDS];
        final int[] contexts = new int[CorpusReader.MAX_SENTENCE_WORDS];
        final long[] groups = new long[CorpusReader.MAX_SENTENCE_WORDS];
        final int[] localizeKeys = new int[2 * CorpusReader.MAX_SENTENCE_WORDS];
        int length;

        void fill(final int sentence)
        {
            length = 0;
            for (int i = text.start(sentence); i < text.end(sentence); i++)
            {
                final int word = text.token(i);
                if (subsampling.keeps(word, nextRandom()))
                {
                    words[length++] = word;
                }
            }
            final int window = config.window();
            for (int p = 0; p < length; p++)
            {
                reduce[p] = (int)Long.remainderUnsigned(nextRandom(), window);
                contexts[p] = to(p) - from(p);
            }
        }

        int from(final int p)
        {
            return Math.max(0, p - config.window() + reduce[p]);
        }

        int to(final int p)
        {
            return Math.min(length - 1, p + config.window() - reduce[p]);
        }

        /** Relocates the input and output vectors of the sentence's words to this node (localize-ahead only). */
        void localize()
        {
            if (!localizeAhead || length == 0)
            {
                return;
            }
            for (int p = 0; p < length; p++)
            {
                localizeKeys[2 * p] = keys.input(words[p]);
                localizeKeys[2 * p + 1] = keys.output(words[p]);
            }
            // a fresh array per sentence: the localize may still read its keys after it returned
            worker.localize(java.util.Arrays.copyOf(localizeKeys, 2 * length));
        }

        /** Prepares the sample groups of positions {@code [from, to)} (those that have contexts). */
        void prepare(final int from, final int to)
        {
            for (int p = from; p < Math.min(to, length); p++)
            {
                if (contexts[p] > 0)
                {
                    groups[p] = worker.prepareSample(contexts[p] * config.negative());
                }
            }
        }
    }
}
