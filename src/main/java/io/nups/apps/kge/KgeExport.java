package io.nups.apps.kge;

import io.nups.api.Worker;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes a trained model for use outside nups (reference §5.1, snapshot export): embeddings without the AdaGrad
 * state as float32 little-endian row-major matrices, a JSON header naming their shapes, and the names by id.
 */
final class KgeExport
{
    static final String HEADER = "model.json";
    static final String ENTITIES = "entities.bin";
    static final String RELATIONS = "relations.bin";
    static final String ENTITY_NAMES = "entity_names.txt";
    static final String RELATION_NAMES = "relation_names.txt";
    private static final int CHUNK = 256;

    private final KgeKeys keys;
    private final KgeModel model;
    private final KgeDataset data;

    KgeExport(final KgeKeys keys, final KgeModel model, final KgeDataset data)
    {
        this.keys = keys;
        this.model = model;
        this.data = data;
    }

    void write(final Worker worker, final Path directory) throws IOException
    {
        Files.createDirectories(directory);
        writeMatrix(worker, directory.resolve(ENTITIES), 0, keys.entities, keys.entityLength);
        writeMatrix(worker, directory.resolve(RELATIONS), keys.relationKey(0), keys.relations, keys.relationLength);
        writeNames(directory.resolve(ENTITY_NAMES), data.entityNames(), "entity");
        writeNames(directory.resolve(RELATION_NAMES), data.relationNames(), "relation");
        Files.writeString(directory.resolve(HEADER), header());
    }

    private String header()
    {
        return String.format(Locale.ROOT, "{%n  \"model\": \"%s\",%n  \"dim\": %d,%n  \"dataset\": %s,%n" +
                "  \"dtype\": \"float32\",%n  \"byte_order\": \"little\",%n  \"layout\": \"row-major\",%n" +
                "  \"entities\": {\"file\": \"%s\", \"shape\": [%d, %d], \"names\": \"%s\"},%n" +
                "  \"relations\": {\"file\": \"%s\", \"shape\": [%d, %d], \"names\": \"%s\"}%n}%n",
            model.name(), model.entityLength(), quote(data.name()), ENTITIES, keys.entities, keys.entityLength,
            ENTITY_NAMES, RELATIONS, keys.relations, keys.relationLength, RELATION_NAMES);
    }

    private static void writeMatrix(final Worker worker, final Path file, final int firstKey, final int rows,
        final int length) throws IOException
    {
        final int chunk = Math.max(1, Math.min(CHUNK, (1 << 20) / (2 * length)));
        final ByteBuffer bytes = ByteBuffer.allocate(chunk * length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            for (int start = 0; start < rows; start += chunk)
            {
                final int n = Math.min(chunk, rows - start);
                final int[] batch = new int[n];
                for (int i = 0; i < n; i++)
                {
                    batch[i] = firstKey + start + i;
                }
                final float[] values = new float[n * 2 * length];
                worker.waitFor(worker.pull(batch, values));
                bytes.clear();
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < length; j++)
                    {
                        bytes.putFloat(values[i * 2 * length + j]);
                    }
                }
                bytes.flip();
                while (bytes.hasRemaining())
                {
                    out.write(bytes);
                }
            }
        }
    }

    private static void writeNames(final Path file, final List<String> names, final String kind) throws IOException
    {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            for (int id = 0; id < names.size(); id++)
            {
                final String name = names.get(id);
                if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0)
                {
                    throw new IOException(kind + " " + id + " has a line break in its name, which a names file " +
                        "of one name per line cannot hold: " + quote(name));
                }
                out.write(name);
                out.write('\n');
            }
        }
    }

    /** A JSON string literal. */
    static String quote(final String text)
    {
        final StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                json.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                json.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }
}
