package io.nups.manage;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HomeDirectoryTest
{
    @Test
    void rangePartitionMatchesTheReference()
    {
        // 36 keys on 3 nodes: node 0 holds 1, node 1 holds 16, node 2 holds 32 (reference test_locality_api)
        final HomeDirectory d = new HomeDirectory(36, 3, 0, null);
        assertEquals(0, d.home(1));
        assertEquals(1, d.home(16));
        assertEquals(2, d.home(32));
        assertEquals(12, d.managedKeys());
        final HomeDirectory last = new HomeDirectory(10, 3, 2, null);
        assertEquals(2, last.managedKeys(), "chunk 4: node 2 manages [8, 10)");
        assertEquals(2, last.owner(9));
        assertEquals(2, last.exchangeOwner(9, 0));
        assertEquals(0, last.owner(9));
        assertThrows(IllegalArgumentException.class, () -> last.owner(1));
    }

    @Test
    void permutationIsABijectionThatSpreadsRanges()
    {
        for (final int n : new int[]{1, 2, 3, 17, 1000, 4097, 100_003})
        {
            final KeyPermutation p = new KeyPermutation(n, 2);
            final boolean[] seen = new boolean[n];
            for (int k = 0; k < n; k++)
            {
                final int x = p.apply(k);
                assertTrue(x >= 0 && x < n);
                assertFalse(seen[x], "duplicate image " + x + " for n=" + n);
                seen[x] = true;
            }
        }
        final HomeDirectory d = new HomeDirectory(100_000, 4, 0, 2L);
        final int[] perNode = new int[4];
        for (int k = 0; k < 1000; k++)
        {
            perNode[d.home(k)]++;
        }
        for (final int count : perNode)
        {
            assertTrue(count > 150 && count < 350, "the first 1000 keys are not spread: " + java.util.Arrays.toString(perNode));
        }
        int managed = 0;
        for (int k = 0; k < 100_000; k++)
        {
            managed += d.isHome(k) ? 1 : 0;
        }
        assertEquals(d.managedKeys(), managed);
    }
}
