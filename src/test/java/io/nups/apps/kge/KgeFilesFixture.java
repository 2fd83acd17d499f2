package io.nups.apps.kge;

import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files and assertions the KGE data tests share. */
final class KgeFilesFixture
{
    private KgeFilesFixture()
    {
    }

    /** Writes {@code name} in {@code dir} with exactly {@code content}; returns its path. */
    static Path file(final Path dir, final String name, final String content) throws IOException
    {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    /** The message of the {@link IllegalArgumentException} {@code action} throws, checked to contain each part. */
    static String rejects(final Executable action, final String... parts)
    {
        final String message = assertThrows(IllegalArgumentException.class, action).getMessage();
        for (final String part : parts)
        {
            assertTrue(message.contains(part), "message \"" + message + "\" lacks \"" + part + "\"");
        }
        return message;
    }

    static Triples triples(final int[]... rows)
    {
        final TripleColumns columns = new TripleColumns();
        for (final int[] row : rows)
        {
            columns.add(row[0], row[1], row[2]);
        }
        return columns.toTriples();
    }

    static void assertSameTriples(final Triples expected, final Triples actual)
    {
        assertArrayEquals(expected.heads(), actual.heads(), "heads");
        assertArrayEquals(expected.relations(), actual.relations(), "relations");
        assertArrayEquals(expected.tails(), actual.tails(), "tails");
    }

    static void assertSameGraph(final KgeDataset expected, final KgeDataset actual)
    {
        assertEquals(expected.entityNames(), actual.entityNames());
        assertEquals(expected.relationNames(), actual.relationNames());
        assertSameTriples(expected.train(), actual.train());
        assertSameTriples(expected.valid(), actual.valid());
        assertSameTriples(expected.test(), actual.test());
    }

    /** The triple {@code i} of {@code triples} in names: {@code [head, relation, tail]}. */
    static List<String> named(final KgeDataset dataset, final Triples triples, final int i)
    {
        return List.of(dataset.entityNames().get(triples.heads()[i]), dataset.relationNames().get(triples.relations()[i]),
            dataset.entityNames().get(triples.tails()[i]));
    }

    /** A small generated graph, large enough to cross the readers' 64 KiB buffer. */
    static KgeDataset smallGraph(final long seed)
    {
        return ZipfGraph.generate(ZipfGraph.Spec.defaults().sized(2000, 12, 20_000, 300, 300).withSeed(seed));
    }
}
