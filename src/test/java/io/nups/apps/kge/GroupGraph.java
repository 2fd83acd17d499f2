package io.nups.apps.kge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A small learnable knowledge graph for tests: entities fall into groups of {@code groupSize}; relation r links
 * every entity of group g to {@code tailsPer} random entities of group {@code (g + r + 1) mod groups}. A model that
 * learns the group structure ranks a held-out tail among its group, far above chance.
 */
final class GroupGraph
{
    private GroupGraph()
    {
    }

    static KgeDataset generate(final int entities, final int groupSize, final int relations, final int tailsPer,
        final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int groups = entities / groupSize;
        final Set<List<Integer>> triples = new LinkedHashSet<>();
        for (int e = 0; e < groups * groupSize; e++)
        {
            for (int r = 0; r < relations; r++)
            {
                final int target = (e / groupSize + r + 1) % groups;
                for (int k = 0; k < tailsPer; k++)
                {
                    triples.add(List.of(e, r, target * groupSize + random.nextInt(groupSize)));
                }
            }
        }
        final List<List<Integer>> shuffled = new ArrayList<>(triples);
        for (int i = shuffled.size() - 1; i > 0; i--)
        {
            java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
        }
        final int held = shuffled.size() / 10;
        final List<String> entityNames = new ArrayList<>();
        for (int e = 0; e < entities; e++)
        {
            entityNames.add("e" + e);
        }
        final List<String> relationNames = new ArrayList<>();
        for (int r = 0; r < relations; r++)
        {
            relationNames.add("r" + r);
        }
        return new KgeDataset("groups " + entities + "/" + groupSize, entityNames, relationNames,
            triples(shuffled.subList(2 * held, shuffled.size())), triples(shuffled.subList(0, held)),
            triples(shuffled.subList(held, 2 * held)));
    }

    private static Triples triples(final List<List<Integer>> rows)
    {
        final int[] h = new int[rows.size()];
        final int[] r = new int[rows.size()];
        final int[] t = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++)
        {
            h[i] = rows.get(i).get(0);
            r[i] = rows.get(i).get(1);
            t[i] = rows.get(i).get(2);
        }
        return new Triples(h, r, t);
    }
}
