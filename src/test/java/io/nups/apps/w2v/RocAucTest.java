package io.nups.apps.w2v;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RocAucTest
{
    @Test
    void knownInputs()
    {
        assertEquals(1.0, RocAuc.of(new double[] {3, 4}, new double[] {1, 2}));
        assertEquals(0.0, RocAuc.of(new double[] {1, 2}, new double[] {3, 4}));
        // 0.8 beats both negatives, 0.4 beats only 0.1: 3 of 4 pairs.
        assertEquals(0.75, RocAuc.of(new double[] {0.8, 0.4}, new double[] {0.5, 0.1}));
        // A tie counts half: 0.5 ties 0.5 and beats 0.1.
        assertEquals(0.75, RocAuc.of(new double[] {0.5}, new double[] {0.5, 0.1}));
        assertEquals(0.5, RocAuc.of(new double[] {1, 1, 1}, new double[] {1, 1}));
    }

    @Test
    void emptySidesAndNaNAreRejected()
    {
        assertThrows(IllegalArgumentException.class, () -> RocAuc.of(new double[0], new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> RocAuc.of(new double[] {Double.NaN}, new double[] {1}));
    }
}
