package io.nups.apps.kge;

import io.nups.apps.task.RecordingRun;
import io.nups.api.Nups;
import io.nups.api.ParameterServer;
import io.nups.apps.task.AppCluster;
import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskSettings;
import io.nups.manage.HotKeys;
import io.nups.manage.ReplicationOptions;
import io.nups.sample.SamplingOptions;
import io.nups.sample.SamplingScheme;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KGE training end to end on a learnable group graph: one node and two nodes in one JVM (relocation, lookahead,
 * replicated relations and hot entities, pooled sampling) learn it far above chance; the cluster-wide metric sums
 * are the same on one node and on two for the same model; progress and epoch reports add up.
 */
class KgeTaskTest
{
    private static final KgeDataset GRAPH = GroupGraph.generate(300, 10, 3, 3, 7);
    private static final KgeConfig CONFIG = KgeConfig.defaults().withDim(32).withEvalEvery(4);
    private static final long SEED = 21;

    @Test
    void oneNodeLearnsTheGroupStructureFarAboveChance() throws Exception
    {
        final RecordingRun run = new RecordingRun();
        final TaskResult result = runCluster(1, 8, SamplingOptions.none(), false, null, run).get(0);
        final TaskResult untrained = runCluster(1, 0, SamplingOptions.none(), false, null, new RecordingRun()).get(0);
        final double mrr = result.quality().get("mrr");
        final double chance = untrained.quality().get("mrr");
        assertTrue(chance < 0.08, "untrained filtered MRR " + chance);
        assertTrue(mrr > 0.15 && mrr > 4 * chance, "filtered MRR " + chance + " -> " + mrr);
        assertTrue(result.quality().get("mrr") >= result.quality().get("raw_mrr"), result.quality().toString());
        assertTrue(result.quality().get("hits@10") > 0.3, result.quality().toString());
        final List<EpochStats> epochs = result.epochs();
        assertEquals(8, epochs.size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), run.started);
        assertEquals(epochs, run.epochs);
        assertEquals(8L * GRAPH.train().size(), run.progress.get());
        assertEquals(GRAPH.train().size(), epochs.get(0).updates());
        assertTrue(epochs.get(7).loss() < epochs.get(0).loss(), "loss " + epochs.get(0).loss() + " -> " +
            epochs.get(7).loss());
        // valid every 4 epochs and after the last
        assertTrue(epochs.get(0).metrics().isEmpty() && epochs.get(2).metrics().isEmpty());
        assertTrue(epochs.get(3).metrics().get("valid_mrr") > 0.1, epochs.get(3).toString());
        assertEquals(8, epochs.get(7).metrics().size());
    }

    @Test
    void twoNodesWithRelocationReplicasAndPooledSamplesLearnItToo() throws Exception
    {
        final int relationKey = GRAPH.entities();
        final HotKeys hot = HotKeys.of(GRAPH.entities() + GRAPH.relations() + 1, 0, 1, 2, 3, relationKey,
            relationKey + 1, relationKey + 2);
        final SamplingOptions pool = SamplingOptions.none().withScheme(SamplingScheme.POOL).withGroupSize(50)
            .withReuse(2);
        final RecordingRun run0 = new RecordingRun();
        final List<TaskResult> results = runCluster(2, 8, pool, true, hot, run0, new RecordingRun());
        final double mrr = results.get(0).quality().get("mrr");
        assertTrue(mrr > 0.15, "filtered MRR on two nodes " + mrr); // chance: about 0.03
        assertEquals(results.get(0).quality(), results.get(1).quality(), "every node reports the cluster's metrics");
        final int nodeShare = GRAPH.train().size() / 2;
        assertEquals(8L * run0.work.get(0), run0.progress.get());
        assertTrue(Math.abs(run0.work.get(0) - nodeShare) <= 1, "node 0 trains on half: " + run0.work);
        assertEquals(results.get(0).epochs().get(7).loss(), results.get(1).epochs().get(7).loss(),
            "the loss is the cluster's mean");
    }

    @Test
    void twoNodesSumTheSameMetricsAsOneForTheSameModel() throws Exception
    {
        // no training: both clusters evaluate the initial model, which depends on the seed alone
        final HotKeys hot = HotKeys.of(GRAPH.entities() + GRAPH.relations() + 1, 5, 17, GRAPH.entities());
        final Map<String, Double> one = runCluster(1, 0, SamplingOptions.none(), false, null, new RecordingRun())
            .get(0).quality();
        final Map<String, Double> two = runCluster(2, 0, SamplingOptions.none(), true, hot, new RecordingRun(),
            new RecordingRun()).get(1).quality();
        assertEquals(one.keySet(), two.keySet());
        for (final String metric : one.keySet())
        {
            if (metric.contains("hits"))
            {
                assertEquals(one.get(metric), two.get(metric), metric); // counts sum exactly
            }
            else
            {
                // reciprocal ranks: ClusterSums adds floats on the server, exact to about 1e-7 relative
                assertEquals(one.get(metric), two.get(metric), 1e-6 * one.get(metric), metric);
            }
        }
    }

    private static List<TaskResult> runCluster(final int nodes, final int epochs, final SamplingOptions sampling,
        final boolean localizeAhead, final HotKeys replicated, final RecordingRun... runs) throws Exception
    {
        final TaskSettings settings = new TaskSettings(epochs, 2, SEED, sampling, localizeAhead, 16);
        final KgeTask task = new KgeTask(GRAPH, CONFIG);
        return AppCluster.run(nodes, Nups.Transport.TCP, builder ->
        {
            task.configure(builder.threads(2).mode(Nups.Mode.RELOCATION), settings);
            if (replicated != null)
            {
                builder.replication(ReplicationOptions.of(replicated).withSyncsPerSecond(200));
            }
            return builder;
        }, (ParameterServer ps) -> task.train(ps, settings, runs[ps.rank()], false), Duration.ofSeconds(60));
    }
}
