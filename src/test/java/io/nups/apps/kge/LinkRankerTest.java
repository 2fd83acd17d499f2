package io.nups.apps.kge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Ranks on a hand-made graph with known scores: RESCAL of dim 1 scores (s, r, o) as s·R·o, so with R = 1 the
 * scores are products of the entity values. Filtered ranks drop other known true answers, raw ranks do not; ties
 * count in the truth's favour; NaN scores count as higher. A random ComplEx model is checked against a brute-force
 * ranking by the model's own score.
 */
class LinkRankerTest
{
    /** Entity values: 0 → 1, 1 → 2, 2 → 3, 3 → 3 (ties with 2), 4 → 0.5. */
    private static final float[] ENTITIES = {1, 2, 3, 3, 0.5f};
    private static final float[] RELATIONS = {1};

    @Test
    void filteredRanksLeaveOutOtherTrueAnswersRawRanksKeepThem()
    {
        // test (0, 0, 1); train (0, 0, 3) and (2, 0, 1)
        final Triples test = triples(new int[][] {{0, 0, 1}});
        final Triples train = triples(new int[][] {{0, 0, 3}, {2, 0, 1}});
        final KnownTriples known = KnownTriples.index(1, List.of(test), List.of(train, test));
        assertArrayEquals(new int[] {1, 3}, known.tails(0, 0));
        assertArrayEquals(new int[] {0, 2}, known.heads(0, 1));
        final RankSums sums = new RankSums();
        new LinkRanker(new Rescal(1), ENTITIES, 5, RELATIONS, known).rank(0, 0, 1, sums);
        // tail: scores 1·e = (1, 2, 3, 3, 0.5), truth 1 scores 2; higher: 2 and 3 -> raw 3; 3 is known -> filtered 2
        // head: scores e·2 = (2, 4, 6, 6, 1), truth 0 scores 2; higher: 1, 2, 3 -> raw 4; 2 is known -> filtered 3
        assertEquals(2, sums.rankings());
        final Map<String, Double> m = sums.metrics("");
        assertEquals((1.0 / 2 + 1.0 / 3) / 2, m.get("mrr"), 1e-12);
        assertEquals((1.0 / 3 + 1.0 / 4) / 2, m.get("raw_mrr"), 1e-12);
        assertEquals(0, m.get("hits@1"));
        assertEquals(1, m.get("hits@3"));
        assertEquals(0.5, m.get("raw_hits@3"));
        assertEquals(1, m.get("raw_hits@10"));
        assertEquals(List.of("mrr", "hits@1", "hits@3", "hits@10", "raw_mrr", "raw_hits@1", "raw_hits@3",
            "raw_hits@10"), List.copyOf(m.keySet()));
    }

    @Test
    void tiesCountForTheTruth()
    {
        // (2, 0, 2): tail scores 3·e = (3, 6, 9, 9, 1.5); truth 2 ties with 3 -> rank 1 in both kinds
        final Triples test = triples(new int[][] {{2, 0, 2}});
        final RankSums sums = new RankSums();
        new LinkRanker(new Rescal(1), ENTITIES, 5, RELATIONS, KnownTriples.index(1, List.of(test), List.of(test)))
            .rank(2, 0, 2, sums);
        // head: scores e·3, same order, truth 2 ties with 3 -> rank 1
        assertArrayEquals(new double[] {2, 2, 2, 2, 2, 2, 2, 2, 2}, sums.values());
    }

    @Test
    void nanScoresCountAsHigher()
    {
        final float[] entities = {1, 2, Float.NaN};
        final Triples test = triples(new int[][] {{1, 0, 1}});
        final RankSums sums = new RankSums();
        new LinkRanker(new Rescal(1), entities, 3, RELATIONS, KnownTriples.index(1, List.of(test), List.of(test)))
            .rank(1, 0, 1, sums);
        // tail: scores (2, 4, NaN), truth 4: only NaN counts -> rank 2; head likewise
        assertEquals(0.5, sums.metrics("").get("mrr"), 1e-12);
    }

    @Test
    void complexRanksAgreeWithBruteForceByTheModelScore()
    {
        final int entities = 40;
        final int relations = 3;
        final ComplEx model = new ComplEx(8);
        final SplittableRandom random = new SplittableRandom(5);
        final float[] e = randoms(random, entities * 8);
        final float[] r = randoms(random, relations * 8);
        final int[][] rows = new int[60][];
        for (int i = 0; i < rows.length; i++)
        {
            rows[i] = new int[] {random.nextInt(entities), random.nextInt(relations), random.nextInt(entities)};
        }
        final Triples all = triples(rows);
        final Triples test = triples(java.util.Arrays.copyOf(rows, 20));
        final KnownTriples known = KnownTriples.index(relations, List.of(test), List.of(all));
        final RankSums sums = new RankSums();
        final LinkRanker ranker = new LinkRanker(model, e, entities, r, known);
        final RankSums expected = new RankSums();
        for (int i = 0; i < test.size(); i++)
        {
            final int s = test.heads()[i];
            final int rel = test.relations()[i];
            final int o = test.tails()[i];
            ranker.rank(s, rel, o, sums);
            int rawTail = 1;
            int filteredTail = 1;
            int rawHead = 1;
            int filteredHead = 1;
            final double tailTruth = model.score(e, s * 8, r, rel * 8, e, o * 8);
            final double headTruth = tailTruth;
            for (int x = 0; x < entities; x++)
            {
                if (model.score(e, s * 8, r, rel * 8, e, x * 8) > tailTruth)
                {
                    rawTail++;
                    filteredTail += contains(known.tails(s, rel), x) ? 0 : 1;
                }
                if (model.score(e, x * 8, r, rel * 8, e, o * 8) > headTruth)
                {
                    rawHead++;
                    filteredHead += contains(known.heads(rel, o), x) ? 0 : 1;
                }
            }
            expected.add(filteredTail, rawTail);
            expected.add(filteredHead, rawHead);
        }
        assertArrayEquals(expected.values(), sums.values(), 1e-9);
        assertEquals(40, sums.rankings());
        // the same 40 rankings scored in batches of LinkRanker.BATCH (one full, one partial) give the same sums
        final RankSums batched = new RankSums();
        new LinkRanker(model, e, entities, r, known).rank(test, 0, test.size(), batched);
        assertArrayEquals(expected.values(), batched.values(), 1e-9);
        assertEquals(40, batched.rankings());
    }

    private static boolean contains(final int[] sorted, final int value)
    {
        return java.util.Arrays.binarySearch(sorted, value) >= 0;
    }

    private static float[] randoms(final SplittableRandom random, final int n)
    {
        final float[] v = new float[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = (float)(2 * random.nextDouble() - 1);
        }
        return v;
    }

    static Triples triples(final int[][] rows)
    {
        final int[] h = new int[rows.length];
        final int[] r = new int[rows.length];
        final int[] t = new int[rows.length];
        for (int i = 0; i < rows.length; i++)
        {
            h[i] = rows[i][0];
            r[i] = rows[i][1];
            t[i] = rows[i][2];
        }
        return new Triples(h, r, t);
    }
}
