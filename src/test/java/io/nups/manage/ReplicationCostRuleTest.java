package io.nups.manage;

import io.nups.store.KeyLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationCostRuleTest
{
    private static final int KEYS = 10_000;

    @Test
    void workedExampleOfTheJavadoc()
    {
        final ReplicationCostRule rule = new ReplicationCostRule(8, 25, 1000, 32, 1);
        assertEquals(3, rule.exchangesPerRound());
        assertEquals(30_300, rule.syncBytesPerSecond(100), 1e-9);
        assertEquals(472, rule.remoteBytesPerAccess(100), 1e-9);
        assertEquals(51.625 * 600, rule.remoteBytesPerSecond(600, 100), 1e-9);
        assertEquals(30_300 / 51.625, rule.breakEvenAccessesPerSecond(100), 1e-9);
        assertEquals(586.9, rule.breakEvenAccessesPerSecond(100), 0.05);
        assertTrue(rule.replicate(36_000, 60, 100));
        assertFalse(rule.replicate(34_800, 60, 100));
        assertEquals(new ReplicationCostRule(8, 25).breakEvenAccessesPerSecond(100),
            rule.breakEvenAccessesPerSecond(100), 0, "the javadoc's example uses the defaults");
    }

    @Test
    void moreAccessesReplicate()
    {
        final ReplicationCostRule rule = new ReplicationCostRule(4, 25);
        boolean before = false;
        for (long accesses = 0; accesses < 100_000; accesses += 37)
        {
            final boolean now = rule.replicate(accesses, 10, 64);
            assertTrue(now || !before, "replicated at fewer accesses but not at " + accesses);
            before = now;
        }
        assertTrue(before);
        assertFalse(rule.replicate(0, 10, 64));
    }

    @Test
    void moreSyncsPerSecondChooseFewerKeys()
    {
        final KeyLayout layout = KeyLayout.uniform(KEYS, 64);
        int previous = Integer.MAX_VALUE;
        for (final double syncs : new double[]{0.2, 1, 5, 25, 125, 1000})
        {
            final int chosen = new ReplicationCostRule(8, syncs).choose(zipfCounts(), 10, layout).size();
            assertTrue(chosen <= previous, syncs + " syncs/s chose " + chosen + " keys, more than " + previous);
            previous = chosen;
        }
        final int slow = new ReplicationCostRule(8, 1).choose(zipfCounts(), 10, layout).size();
        final int fast = new ReplicationCostRule(8, 125).choose(zipfCounts(), 10, layout).size();
        assertTrue(slow > fast && fast > 0, slow + " vs " + fast);
    }

    @Test
    void unthrottledSyncUsesTheRoundCap()
    {
        final ReplicationCostRule unthrottled = new ReplicationCostRule(8, 0, 400, 32, 1);
        assertEquals(400, unthrottled.roundsPerSecond());
        assertEquals(400, new ReplicationCostRule(8, 5000, 400, 32, 1).roundsPerSecond());
        assertEquals(25, new ReplicationCostRule(8, 25, 400, 32, 1).roundsPerSecond());
        assertEquals(ReplicationCostRule.DEFAULT_MAX_ROUNDS_PER_SECOND,
            new ReplicationCostRule(8, 0).roundsPerSecond());
        final String line = unthrottled.explain(10);
        assertTrue(line.contains("unthrottled sync (assumed 400 rounds/s)"), line);
    }

    @Test
    void longerValuesChooseFewerKeys()
    {
        final ReplicationCostRule rule = new ReplicationCostRule(8, 25);
        double previous = 0;
        for (final int length : new int[]{1, 2, 10, 100, 1000, 100_000})
        {
            final double breakEven = rule.breakEvenAccessesPerSecond(length);
            assertTrue(breakEven > previous, length + " floats: " + breakEven + " <= " + previous);
            previous = breakEven;
        }
        final int shortKeys = rule.choose(zipfCounts(), 10, KeyLayout.uniform(KEYS, 1)).size();
        final int longKeys = rule.choose(zipfCounts(), 10, KeyLayout.uniform(KEYS, 1000)).size();
        assertTrue(shortKeys > longKeys && longKeys > 0, shortKeys + " vs " + longKeys);
    }

    @Test
    void safetyFactorAndNodesMoveTheBreakEven()
    {
        assertTrue(new ReplicationCostRule(8, 25, 1000, 32, 2).breakEvenAccessesPerSecond(10) >
            new ReplicationCostRule(8, 25).breakEvenAccessesPerSecond(10));
        assertTrue(new ReplicationCostRule(16, 25).breakEvenAccessesPerSecond(10) >
            new ReplicationCostRule(8, 25).breakEvenAccessesPerSecond(10));
    }

    @Test
    void foldCountsTheBusiestNodeForNodeCountsThatAreNotPowersOfTwo()
    {
        final int[] expected = {0, 1, 2, 2, 3, 3, 3, 3, 4};
        for (int nodes = 1; nodes <= 9; nodes++)
        {
            assertEquals(expected[nodes - 1], new ReplicationCostRule(nodes, 25).exchangesPerRound(), nodes + " nodes");
        }
    }

    @Test
    void oneNodeReplicatesNothing()
    {
        final ReplicationCostRule rule = new ReplicationCostRule(1, 25);
        assertFalse(rule.replicate(Long.MAX_VALUE, 1, 1));
        assertEquals(Double.POSITIVE_INFINITY, rule.breakEvenAccessesPerSecond(8));
        assertEquals(0, rule.choose(zipfCounts(), 1, KeyLayout.uniform(KEYS, 8)).size());
        assertEquals("replication cost rule: 1 node, nothing to replicate; chose 0 of 10,000 keys", rule.explain());
    }

    @Test
    void chooseUsesEachKeysLengthAndAgreesWithReplicate()
    {
        final KeyLayout layout = KeyLayout.builder(6).range(0, 3, 1).range(3, 6, 1000).build();
        final ReplicationCostRule rule = new ReplicationCostRule(8, 25, 1000, 32, 1);
        final double window = 10;
        final long shortCount = (long)Math.ceil(rule.breakEvenAccessesPerSecond(1) * window);
        final long longCount = (long)Math.ceil(rule.breakEvenAccessesPerSecond(1000) * window);
        final long[] counts = {shortCount, shortCount - 1, 0, longCount, longCount - 1, shortCount};
        final HotKeys hot = rule.choose(counts, window, layout);
        assertArrayEquals(new int[]{0, 3}, hot.toArray());
        for (int key = 0; key < counts.length; key++)
        {
            assertEquals(rule.replicate(counts[key], window, layout.length(key)), hot.contains(key), "key " + key);
        }
    }

    @Test
    void explainNamesTheBreakEvenOfTheMostCommonLength()
    {
        final ReplicationCostRule rule = new ReplicationCostRule(8, 25);
        assertMessage(IllegalStateException.class, rule::explain, "call choose first");
        final KeyLayout layout = KeyLayout.builder(KEYS).range(0, 100, 7).range(100, KEYS, 100).build();
        final HotKeys hot = rule.choose(zipfCounts(), 10, layout);
        assertEquals("replication cost rule: 8 nodes, 25 sync rounds/s, 32 B per message, safety factor 1: " +
            "a key of 100 floats is replicated when the cluster accesses it >= 586.9 times/s " +
            "(sync 30,300 B/s per node, remote access 472 B); chose " + hot.size() + " of 10,000 keys", rule.explain());
    }

    @Test
    void badArgumentsAreNamed()
    {
        assertMessage(IllegalArgumentException.class, () -> new ReplicationCostRule(0, 25),
            "nodes must be >= 1, got 0");
        assertMessage(IllegalArgumentException.class, () -> new ReplicationCostRule(2, -1), "syncs per second");
        assertMessage(IllegalArgumentException.class, () -> new ReplicationCostRule(2, Double.NaN), "got NaN");
        assertMessage(IllegalArgumentException.class, () -> new ReplicationCostRule(2, 0, 0, 32, 1),
            "maximum sync rounds per second must be finite and > 0, got 0.0");
        assertMessage(IllegalArgumentException.class, () -> new ReplicationCostRule(2, 0, 10, -1, 1),
            "message overhead must be >= 0 bytes, got -1");
        assertMessage(IllegalArgumentException.class, () -> new ReplicationCostRule(2, 0, 10, 0, 0),
            "safety factor must be finite and > 0, got 0.0");
        final ReplicationCostRule rule = new ReplicationCostRule(2, 25);
        assertMessage(IllegalArgumentException.class, () -> rule.replicate(5, 0, 1), "counting window");
        assertMessage(IllegalArgumentException.class, () -> rule.replicate(-5, 1, 1), "access count must be >= 0");
        assertMessage(IllegalArgumentException.class, () -> rule.replicate(5, 1, 0), "value length must be >= 1");
        assertMessage(IllegalArgumentException.class, () -> rule.choose(new long[3], 1, KeyLayout.uniform(4, 1)),
            "access counts cover 3 keys, but the key layout has 4");
        assertMessage(IllegalArgumentException.class, () -> rule.choose(new long[]{1, -2}, 1, KeyLayout.uniform(2, 1)),
            "access count of key 1 is negative: -2");
    }

    /** Zipf(1.1)-like counts over {@link #KEYS} keys, about a million accesses. */
    private static long[] zipfCounts()
    {
        final long[] counts = new long[KEYS];
        for (int k = 0; k < KEYS; k++)
        {
            counts[k] = (long)(150_000 / Math.pow(k + 1, 1.1));
        }
        return counts;
    }

    private static <T extends Throwable> void assertMessage(final Class<T> type, final Executable call,
        final String expected)
    {
        final T ex = assertThrows(type, call);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
