package io.nups.apps.kge;

import io.nups.api.ParameterServer;
import io.nups.api.Worker;
import io.nups.apps.task.ClusterSums;
import io.nups.apps.task.EpochStats;
import io.nups.apps.task.TaskResult;
import io.nups.apps.task.TaskRun;
import io.nups.apps.task.TaskSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node's part of a KGE run: its workers train on their shares of the training triples epoch by epoch (global
 * worker g of W takes the g-th contiguous block, as NuPS does), meet to total the loss cluster-wide, evaluate on
 * valid when due and on test at the end. Worker 0 of the node reports to the {@link TaskRun}.
 */
final class KgeTraining
{
    private static final long WORKER_SEED_SALT = 0xD1B54A32D192ED03L;

    private final ParameterServer ps;
    private final TaskSettings settings;
    private final TaskRun run;
    private final KgeDataset data;
    private final KgeConfig config;
    private final KgeModel model;
    private final KgeKeys keys;
    /** Null when in-app evaluation is off. */
    private final KgeEvaluation evaluation;
    private final int workers;
    private final long nodeTriples;
    private final List<EpochStats> epochs = new ArrayList<>();
    private final Map<String, Double> quality = new LinkedHashMap<>();

    KgeTraining(final ParameterServer ps, final TaskSettings settings, final TaskRun run, final KgeDataset data,
        final KgeConfig config, final KgeModel model, final KgeKeys keys, final KgeEvaluation evaluation)
    {
        this.ps = ps;
        this.settings = settings;
        this.run = run;
        this.data = data;
        this.config = config;
        this.model = model;
        this.keys = keys;
        this.evaluation = evaluation;
        this.workers = ps.nodes() * ps.threads();
        final int size = data.train().size();
        this.nodeTriples = Partition.start(size, (ps.rank() + 1) * ps.threads(), workers) -
            Partition.start(size, ps.rank() * ps.threads(), workers);
    }

    TaskResult run()
    {
        final Runnable[] bodies = new Runnable[ps.threads()];
        for (int i = 0; i < bodies.length; i++)
        {
            final int index = i;
            bodies[i] = () -> work(ps.worker(index));
        }
        WorkerThreads.run(ps, "nups-kge-r" + ps.rank(), bodies);
        return new TaskResult(epochs, quality);
    }

    private void work(final Worker worker)
    {
        final int id = ps.rank() * ps.threads() + worker.index();
        final int size = data.train().size();
        final KgeWorker trainer = new KgeWorker(worker, keys, model, config, data.train(),
            Partition.start(size, id, workers), Partition.start(size, id + 1, workers), settings.localizeAhead(),
            settings.seed() ^ (id + 1) * WORKER_SEED_SALT);
        final boolean reports = worker.index() == 0;
        for (int epoch = 1; epoch <= settings.epochs(); epoch++)
        {
            if (reports)
            {
                run.epochStarted(epoch, nodeTriples);
            }
            worker.barrier();
            final long start = System.nanoTime();
            final double loss = trainer.epoch(run::progress);
            final double[] totals = ClusterSums.sum(worker, keys.sumKey(), new double[] {loss, trainer.triples()});
            final double seconds = (System.nanoTime() - start) / 1e9;
            final Map<String, Double> metrics = validDue(epoch) ?
                evaluation.evaluate(worker, id, workers, ps.threads(), data.valid()).metrics("valid_") : Map.of();
            if (reports)
            {
                final EpochStats stats = new EpochStats(epoch, seconds, nodeTriples,
                    totals[1] > 0 ? totals[0] / totals[1] : Double.NaN, metrics);
                epochs.add(stats);
                run.epochFinished(stats);
            }
        }
        if (evaluation != null && data.test().size() > 0)
        {
            final Map<String, Double> test = evaluation.evaluate(worker, id, workers, ps.threads(), data.test())
                .metrics("");
            if (reports)
            {
                quality.putAll(test);
            }
        }
    }

    private boolean validDue(final int epoch)
    {
        return evaluation != null && data.valid().size() > 0 &&
            (epoch == settings.epochs() || config.evalEvery() > 0 && epoch % config.evalEvery() == 0);
    }
}
