package io.nups.apps.wordnet;

import io.nups.apps.kge.Triples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordNetGraphSplitTest
{
    // a sparse graph: many entities occur in one triple only, so a careless split would hold them out
    private static final int ENTITIES = 3000;
    private static final int RELATIONS = 12;
    private static final int[][] TRIPLES = randomTriples(6000);
    private static final List<String> ENTITY_NAMES = names("e", ENTITIES);
    private static final List<String> RELATION_NAMES = names("r", RELATIONS);

    @Test
    void splitIsDeterministicAndPartitionsTheTriples()
    {
        final WordNetGraph.Options options = new WordNetGraph.Options(500, 400, 7, false);
        final WordNetGraph first = WordNetGraph.split(ENTITY_NAMES, RELATION_NAMES, TRIPLES, options);
        final WordNetGraph again = WordNetGraph.split(ENTITY_NAMES, RELATION_NAMES, TRIPLES, options);
        assertEquals(keys(first.train()), keys(again.train()));
        assertEquals(keys(first.valid()), keys(again.valid()));
        assertEquals(keys(first.test()), keys(again.test()));
        assertEquals(500, first.valid().size());
        assertEquals(400, first.test().size());

        final List<Long> all = new ArrayList<>(keys(first.train()));
        all.addAll(keys(first.valid()));
        all.addAll(keys(first.test()));
        assertEquals(TRIPLES.length, all.size());
        final Set<Long> expected = new HashSet<>();
        for (final int[] triple : TRIPLES)
        {
            expected.add(key(triple[0], triple[1], triple[2]));
        }
        assertEquals(expected, new HashSet<>(all));

        final WordNetGraph otherSeed = WordNetGraph.split(ENTITY_NAMES, RELATION_NAMES, TRIPLES,
            new WordNetGraph.Options(500, 400, 8, false));
        assertFalse(keys(first.valid()).equals(keys(otherSeed.valid())));
    }

    @Test
    void everyEntityAndRelationOfValidAndTestOccursInTrain()
    {
        final WordNetGraph graph = WordNetGraph.split(ENTITY_NAMES, RELATION_NAMES, TRIPLES,
            new WordNetGraph.Options(1500, 1500, 3, false));
        assertCovered(graph);
        assertEquals(1500, graph.valid().size());
        assertEquals(1500, graph.test().size());
    }

    @Test
    void holdsOutFewerTriplesWhenTooFewCanLeaveTrain()
    {
        // a star: each leaf occurs in one triple only, so no triple can leave train
        final int[][] star = new int[50][];
        for (int i = 0; i < star.length; i++)
        {
            star[i] = new int[] {0, 0, i + 1};
        }
        final WordNetGraph graph = WordNetGraph.split(names("e", 51), names("r", 1), star,
            new WordNetGraph.Options(10, 10, 1, false));
        assertEquals(0, graph.valid().size());
        assertEquals(0, graph.test().size());
        assertEquals(50, graph.train().size());
    }

    @Test
    void rejectsSplitsThatLeaveNothingToTrain()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> WordNetGraph.split(ENTITY_NAMES, RELATION_NAMES, TRIPLES, new WordNetGraph.Options(3000, 3000, 1,
                false)));
        assertEquals("cannot take 3000 valid and 3000 test triples from 6000 triples and keep any for training",
            ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WordNetGraph.Options(-1, 0, 1, false));
    }

    static void assertCovered(final WordNetGraph graph)
    {
        final BitSet entities = new BitSet();
        final BitSet relations = new BitSet();
        final Triples train = graph.train();
        for (int i = 0; i < train.size(); i++)
        {
            entities.set(train.heads()[i]);
            relations.set(train.relations()[i]);
            entities.set(train.tails()[i]);
        }
        for (final Triples heldOut : List.of(graph.valid(), graph.test()))
        {
            for (int i = 0; i < heldOut.size(); i++)
            {
                assertTrue(entities.get(heldOut.heads()[i]) && relations.get(heldOut.relations()[i]) &&
                    entities.get(heldOut.tails()[i]), "held-out triple " + i + " has something not in train");
            }
        }
    }

    static List<Long> keys(final Triples triples)
    {
        final List<Long> keys = new ArrayList<>(triples.size());
        for (int i = 0; i < triples.size(); i++)
        {
            keys.add(key(triples.heads()[i], triples.relations()[i], triples.tails()[i]));
        }
        return keys;
    }

    private static long key(final int head, final int relation, final int tail)
    {
        return PackedTriple.of(head, relation, tail);
    }

    private static int[][] randomTriples(final int count)
    {
        final Random random = new Random(42);
        final Set<Long> seen = new HashSet<>();
        final int[][] triples = new int[count][];
        int size = 0;
        while (size < count)
        {
            final int head = random.nextInt(ENTITIES);
            final int relation = random.nextInt(RELATIONS);
            final int tail = random.nextInt(ENTITIES);
            if (seen.add(key(head, relation, tail)))
            {
                triples[size++] = new int[] {head, relation, tail};
            }
        }
        return triples;
    }

    private static List<String> names(final String prefix, final int count)
    {
        final List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            names.add(prefix + i);
        }
        return names;
    }
}
