package io.nups.apps.kge;

import io.nups.apps.mf.ZipfSampler;
import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static io.nups.apps.kge.KgeFilesFixture.assertSameGraph;
import static io.nups.apps.kge.KgeFilesFixture.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZipfGraphTest
{
    /** Sparse enough (1,000 relations, flat) that rejecting duplicates barely changes the entity frequencies. */
    private static final ZipfGraph.Spec UNSTRUCTURED =
        new ZipfGraph.Spec(10_000, 1000, 100, 1.1, 0.5, 0.0, 50_000, 500, 500, 42);

    @TempDir
    Path dir;

    @Test
    void theSameSpecGivesTheSameGraphAndAnotherSeedAnother()
    {
        final KgeDataset graph = KgeFilesFixture.smallGraph(1);
        assertSameGraph(graph, KgeFilesFixture.smallGraph(1));
        assertFalse(Arrays.equals(graph.train().heads(), KgeFilesFixture.smallGraph(2).train().heads()));
    }

    @Test
    void hasTheRequestedSizesDistinctTriplesAndEveryHeldOutIdInTrain()
    {
        final KgeDataset graph = KgeFilesFixture.smallGraph(3);
        assertEquals(2000, graph.entities());
        assertEquals(12, graph.relations());
        assertEquals(20_000, graph.train().size());
        assertEquals(300, graph.valid().size());
        assertEquals(300, graph.test().size());
        final LongHashSet seen = new LongHashSet();
        for (int split = 0; split < 3; split++)
        {
            final Triples triples = Splits.get(graph, split);
            for (int i = 0; i < triples.size(); i++)
            {
                final long key = ((long)triples.heads()[i] * 12 + triples.relations()[i]) * 2000 + triples.tails()[i];
                assertTrue(seen.add(key), "triple " + i + " of split " + split + " repeats");
            }
        }
        assertEquals(0, KgeDataLoader.heldOutWithUnseen(graph));
    }

    @Test
    void theTopOnePercentOfEntitiesCoverTheZipfShare()
    {
        final double expected = topShare(new ZipfSampler(10_000, 1.1), 100); // 0.648
        final double share = topEntityShare(ZipfGraph.generate(UNSTRUCTURED), 100);
        assertEquals(expected, share, 0.03);
        final double flat = topEntityShare(ZipfGraph.generate(UNSTRUCTURED.withExponents(0.5, 0.5)), 100);
        assertEquals(topShare(new ZipfSampler(10_000, 0.5), 100), flat, 0.03); // 0.094
    }

    @Test
    void structuredTailsKeepTheGraphSkewed()
    {
        // gen_nups_synth.py's shape (80 % structured tails) on a dense graph, where rejecting duplicate triples
        // flattens the head of the law (on the 1M default the top 1 % of entities cover 0.44, not Zipf's 0.75);
        // still twenty times the share a uniform graph gives them
        final double share = topEntityShare(KgeFilesFixture.smallGraph(4), 20);
        assertTrue(share > 0.2 && share < topShare(new ZipfSampler(2000, 1.1), 20), "top 1 % share " + share);
    }

    @Test
    void writesDelFilesAndTheFrequencyFileThatReadBack() throws IOException
    {
        final KgeDataset graph = KgeFilesFixture.smallGraph(6);
        ZipfGraph.write(graph, dir);
        assertSameGraph(graph, KgeDataLoader.load(dir));
        final KgeKeyLayout layout = KgeKeyLayout.of(graph);
        assertArrayEquals(KgeFrequencies.keyCounts(graph.train(), layout),
            KgeFrequencies.keyCounts(dir.resolve(KgeFrequencies.FILE_NAME), layout));
    }

    @Test
    void aGraphThatCannotHoldThatManyDistinctTriplesFailsInsteadOfSpinning()
    {
        rejects(() -> ZipfGraph.generate(new ZipfGraph.Spec(100, 1, 10, 30.0, 1.0, 0.0, 100, 10, 10, 1)),
            "distinct", "too small or too skewed");
        rejects(() -> new ZipfGraph.Spec(10, 2, 1, 1.1, 1.1, 0.5, 100, 10, 10, 1), "120 triples do not fit",
            "200 possible");
        rejects(() -> new ZipfGraph.Spec(10, 2, 1, 1.1, 1.1, 1.5, 10, 1, 1, 1), "structured share");
        rejects(() -> new ZipfGraph.Spec(10, 2, 1, 1.1, 1.1, 0.5, 10, 0, 1, 1), "at least 1 train, valid and test");
    }

    private static double topShare(final ZipfSampler ranks, final int top)
    {
        double share = 0;
        for (int rank = 0; rank < top; rank++)
        {
            share += ranks.probability(rank);
        }
        return share;
    }

    /** Share of head and tail occurrences in train that the {@code top} most frequent entities have. */
    private static double topEntityShare(final KgeDataset graph, final int top)
    {
        final long[] counts = KgeFrequencies.entityCounts(graph.train(), graph.entities());
        Arrays.sort(counts);
        long total = 0;
        long covered = 0;
        for (int i = 0; i < counts.length; i++)
        {
            total += counts[i];
            covered += i >= counts.length - top ? counts[i] : 0;
        }
        return (double)covered / total;
    }
}
