package io.nups.apps.kge;

import java.util.List;

/**
 * A knowledge graph split for link prediction: entity and relation names by id, and the train, valid and test
 * triples. Every id of every split is below {@link #entities()} or {@link #relations()}.
 *
 * @param name          where it came from (a directory, {@code wordnet-3.1}, {@code synthetic-zipf ...})
 * @param entityNames   name of each entity id
 * @param relationNames name of each relation id
 */
public record KgeDataset(String name, List<String> entityNames, List<String> relationNames, Triples train,
    Triples valid, Triples test)
{
    public KgeDataset
    {
        entityNames = List.copyOf(entityNames);
        relationNames = List.copyOf(relationNames);
        check("train", train, entityNames.size(), relationNames.size());
        check("valid", valid, entityNames.size(), relationNames.size());
        check("test", test, entityNames.size(), relationNames.size());
    }

    public int entities()
    {
        return entityNames.size();
    }

    public int relations()
    {
        return relationNames.size();
    }

    private static void check(final String split, final Triples triples, final int entities, final int relations)
    {
        for (int i = 0; i < triples.size(); i++)
        {
            final int h = triples.heads()[i];
            final int r = triples.relations()[i];
            final int t = triples.tails()[i];
            if (h < 0 || h >= entities || t < 0 || t >= entities || r < 0 || r >= relations)
            {
                throw new IllegalArgumentException(split + " triple " + i + " (" + h + ", " + r + ", " + t +
                    ") is out of range: expected entities in [0, " + entities + ") and relations in [0, " +
                    relations + ")");
            }
        }
    }
}
