package io.nups.apps.w2v;

import io.nups.apps.task.EpochStats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the workers of one node share: the words processed over all epochs (word2vec's learning-rate decay), the
 * current epoch's examples and timing, and the finished epochs' statistics.
 */
final class NodeEpochs
{
    private final AtomicLong wordsDone = new AtomicLong();
    private final LongAdder pairs = new LongAdder();
    private final AtomicLong lastFinish = new AtomicLong();
    private final List<EpochStats> finished = new ArrayList<>();
    private volatile long epochStart;
    private volatile Map<String, Double> quality = Map.of();

    /** Adds words this node processed; returns the node's total so far. */
    long addWords(final long words)
    {
        return wordsDone.addAndGet(words);
    }

    long wordsDone()
    {
        return wordsDone.get();
    }

    /** Called by worker 0 before the epoch's start barrier. */
    void startEpoch()
    {
        pairs.reset();
        lastFinish.set(0);
        epochStart = System.nanoTime();
    }

    void workerFinished(final long pairsDone)
    {
        pairs.add(pairsDone);
        lastFinish.accumulateAndGet(System.nanoTime(), Math::max);
    }

    /** Called by worker 0 once every worker of the node finished the epoch. */
    EpochStats finishEpoch(final int epoch, final double clusterLoss, final Map<String, Double> metrics)
    {
        final EpochStats stats = new EpochStats(epoch, (lastFinish.get() - epochStart) / 1e9, pairs.sum(),
            clusterLoss, metrics);
        synchronized (finished)
        {
            finished.add(stats);
        }
        return stats;
    }

    List<EpochStats> epochs()
    {
        synchronized (finished)
        {
            return List.copyOf(finished);
        }
    }

    void quality(final Map<String, Double> value)
    {
        quality = value;
    }

    Map<String, Double> quality()
    {
        return quality;
    }
}
