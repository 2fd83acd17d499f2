package io.nups.apps.kge;

import io.nups.manage.FrequencyFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * NuPS's access frequencies of a knowledge graph's parameters (reference §2.1, §5.4): an entity is counted once
 * per training triple it is the head or the tail of, a relation once per training triple. On disk that is
 * {@code parameter.frequencies.tsv}, lines {@code e|r <id> <count>} separated by spaces, highest count first
 * (ties: relations before entities, then by id), parameters with count 0 left out — byte for byte what
 * {@code gen_nups_synth.py kge} writes. In memory it is one count per key of a {@link KgeKeyLayout}, which is
 * what {@code --replicate N} ranks.
 */
public final class KgeFrequencies
{
    /** The file's name in a data set directory. */
    public static final String FILE_NAME = "parameter.frequencies.tsv";

    private KgeFrequencies()
    {
    }

    /** Count per entity id: how often it is the head or the tail of {@code triples} (a self-loop counts twice). */
    public static long[] entityCounts(final Triples triples, final int entities)
    {
        final long[] counts = new long[entities];
        for (int i = 0; i < triples.size(); i++)
        {
            counts[triples.heads()[i]]++;
            counts[triples.tails()[i]]++;
        }
        return counts;
    }

    /** Count per relation id: how many of {@code triples} have it. */
    public static long[] relationCounts(final Triples triples, final int relations)
    {
        final long[] counts = new long[relations];
        for (int i = 0; i < triples.size(); i++)
        {
            counts[triples.relations()[i]]++;
        }
        return counts;
    }

    /** Count per key of {@code layout} ({@link KgeKeyLayout#size()} of them), computed from {@code train}. */
    public static long[] keyCounts(final Triples train, final KgeKeyLayout layout)
    {
        final long[] byKey = new long[layout.size()];
        final long[] entities = entityCounts(train, layout.entities());
        final long[] relations = relationCounts(train, layout.relations());
        for (int e = 0; e < entities.length; e++)
        {
            byKey[layout.entityKey(e)] = entities[e];
        }
        for (int r = 0; r < relations.length; r++)
        {
            byKey[layout.relationKey(r)] = relations[r];
        }
        return byKey;
    }

    /**
     * Count per key of {@code layout} read from a frequency file (through {@link FrequencyFiles}); parameters the
     * file leaves out count 0. An id outside the layout is an {@link IllegalArgumentException} naming file:line.
     */
    public static long[] keyCounts(final Path file, final KgeKeyLayout layout)
    {
        return FrequencyFiles.readKgeRanked(file, e -> new int[]{layout.entityKey(e)},
            r -> new int[]{layout.relationKey(r)}).countsByKey(layout.size());
    }

    /** Writes the frequencies of {@code train} over {@code layout}'s entities and relations to {@code file}. */
    public static void write(final Triples train, final KgeKeyLayout layout, final Path file) throws IOException
    {
        final long[] relations = relationCounts(train, layout.relations());
        final long[] entities = entityCounts(train, layout.entities());
        // position p < R is relation p, else entity p - R: the tie order; pack (inverted count, position) so a
        // plain ascending sort gives count descending, then tie order (counts are < 2^32 for < 2^31 triples)
        final int parameters = relations.length + entities.length;
        final long[] packed = new long[parameters];
        int used = 0;
        for (int p = 0; p < parameters; p++)
        {
            final long count = p < relations.length ? relations[p] : entities[p - relations.length];
            if (count > 0)
            {
                packed[used++] = ((0xFFFF_FFFFL - count) << 31) | p;
            }
        }
        Arrays.sort(packed, 0, used);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (int i = 0; i < used; i++)
            {
                final int p = (int)(packed[i] & Integer.MAX_VALUE);
                final boolean relation = p < relations.length;
                out.write(relation ? "r " : "e ");
                out.write(Integer.toString(relation ? p : p - relations.length));
                out.write(' ');
                out.write(Long.toString(relation ? relations[p] : entities[p - relations.length]));
                out.write('\n');
            }
        }
    }
}
