package io.nups.apps.kge;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The true triples that filtered ranking removes (reference §5.1): for each (head, relation) and (relation, tail)
 * pair of the evaluated splits, every tail, respectively head, that any split (train ∪ valid ∪ test) holds. Only
 * pairs that are evaluated are indexed, so the index grows with the evaluation splits, not the training data.
 */
final class KnownTriples
{
    private static final int[] NONE = new int[0];

    private final int relations;
    private final Map<Long, int[]> tailsOf;
    private final Map<Long, int[]> headsOf;

    private KnownTriples(final int relations, final Map<Long, int[]> tailsOf, final Map<Long, int[]> headsOf)
    {
        this.relations = relations;
        this.tailsOf = tailsOf;
        this.headsOf = headsOf;
    }

    /** Indexes the pairs of {@code evaluated} with the answers found in {@code all}. */
    static KnownTriples index(final int relations, final List<Triples> evaluated, final List<Triples> all)
    {
        final Map<Long, IntList> tails = new HashMap<>();
        final Map<Long, IntList> heads = new HashMap<>();
        for (final Triples split : evaluated)
        {
            for (int i = 0; i < split.size(); i++)
            {
                tails.putIfAbsent(pair(split.heads()[i], split.relations()[i], relations), new IntList());
                heads.putIfAbsent(pair(split.tails()[i], split.relations()[i], relations), new IntList());
            }
        }
        for (final Triples split : all)
        {
            for (int i = 0; i < split.size(); i++)
            {
                final int r = split.relations()[i];
                final IntList t = tails.get(pair(split.heads()[i], r, relations));
                if (t != null)
                {
                    t.add(split.tails()[i]);
                }
                final IntList h = heads.get(pair(split.tails()[i], r, relations));
                if (h != null)
                {
                    h.add(split.heads()[i]);
                }
            }
        }
        return new KnownTriples(relations, distinct(tails), distinct(heads));
    }

    /** Every known tail of (head, relation), sorted, without duplicates. */
    int[] tails(final int head, final int relation)
    {
        return tailsOf.getOrDefault(pair(head, relation, relations), NONE);
    }

    /** Every known head of (relation, tail), sorted, without duplicates. */
    int[] heads(final int relation, final int tail)
    {
        return headsOf.getOrDefault(pair(tail, relation, relations), NONE);
    }

    private static long pair(final int entity, final int relation, final int relations)
    {
        return (long)entity * relations + relation;
    }

    private static Map<Long, int[]> distinct(final Map<Long, IntList> lists)
    {
        final Map<Long, int[]> result = new HashMap<>(lists.size() * 2);
        lists.forEach((pair, list) -> result.put(pair, Arrays.stream(list.toArray()).sorted().distinct().toArray()));
        return result;
    }

    private static final class IntList
    {
        private int[] values = new int[2];
        private int size;

        void add(final int value)
        {
            if (size == values.length)
            {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray()
        {
            return Arrays.copyOf(values, size);
        }
    }
}
