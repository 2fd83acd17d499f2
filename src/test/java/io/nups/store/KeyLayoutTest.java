package io.nups.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyLayoutTest
{
    @Test
    void rangesGiveEachKeyItsLength()
    {
        // the reference's variable-length test layout, with its two single-key exceptions
        final int[] lengths = new int[150];
        for (int k = 0; k < 150; k++)
        {
            lengths[k] = k < 30 ? 2 : k < 60 ? 3 : k < 100 ? 1 : 3;
        }
        lengths[41] = 1;
        lengths[72] = 2;
        final KeyLayout layout = KeyLayout.perKey(lengths);
        for (int k = 0; k < 150; k++)
        {
            assertEquals(lengths[k], layout.length(k), "key " + k);
        }
        assertEquals(2 * 30 + 3 * 29 + 1 + 1 * 39 + 2 + 3 * 50, layout.totalFloats());
        assertEquals(6L, layout.totalLength(new int[]{0, 41, 30}, 3));
    }

    @Test
    void uniformLayout()
    {
        final KeyLayout layout = KeyLayout.uniform(10_000_000, 128);
        assertTrue(layout.isUniform());
        assertEquals(128, layout.length(9_999_999));
        assertEquals(1_280_000_000L, layout.totalFloats());
    }

    @Test
    void badLayoutsAreRejectedWithTheRangeNamed()
    {
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> KeyLayout.builder(10).range(0, 4, 2).range(6, 10, 2).build())
            .getMessage().contains("keys [4, 6) have no value length"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> KeyLayout.builder(10).range(0, 6, 2).range(4, 10, 2).build())
            .getMessage().contains("overlap at key 4"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> KeyLayout.builder(10).range(0, 11, 2)).getMessage().contains("outside [0, 10)"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> KeyLayout.uniform(10, 0)).getMessage().contains("must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> KeyLayout.uniform(10, 3).totalLength(new int[]{1, 10}, 2)).getMessage()
            .contains("key 10 is out of range [0, 10)"));
    }
}
