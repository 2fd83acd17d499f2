package io.nups.apps.w2v;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordVectorsTest
{
    private static final WordVectors VECTORS = new WordVectors(List.of("king", "zürich"), 3,
        new float[] {0.1f, -2.5e-7f, 3f, Float.MIN_VALUE, -0f, 12345.678f});

    @TempDir
    Path dir;

    @Test
    void textFormatRoundTrips() throws IOException
    {
        final Path file = dir.resolve("v.txt");
        VECTORS.writeText(file);
        final List<String> lines = Files.readAllLines(file);
        assertEquals("2 3", lines.get(0));
        assertTrue(lines.get(1).startsWith("king 0.1 "), lines.get(1));
        final WordVectors read = WordVectors.readText(file);
        assertEquals(VECTORS.words(), read.words());
        assertArrayEquals(VECTORS.values(), read.values());
    }

    @Test
    void binaryFormatIsWord2vecsAndRoundTrips() throws IOException
    {
        final Path file = dir.resolve("v.bin");
        VECTORS.writeBinary(file);
        final byte[] bytes = Files.readAllBytes(file);
        final byte[] zurich = "zürich".getBytes(StandardCharsets.UTF_8);
        assertEquals(4 + (5 + 12 + 1) + (zurich.length + 1 + 12 + 1), bytes.length);
        assertEquals("2 3\nking ", new String(bytes, 0, 9, StandardCharsets.US_ASCII));
        final ByteBuffer floats = ByteBuffer.wrap(bytes, 9, 12).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.1f, floats.getFloat());
        assertEquals('\n', bytes[9 + 12]);
        final WordVectors read = WordVectors.readBinary(file);
        assertEquals(VECTORS.words(), read.words());
        assertArrayEquals(VECTORS.values(), read.values());
    }

    @Test
    void malformedFilesAreNamed() throws IOException
    {
        final Path header = Files.writeString(dir.resolve("h.txt"), "two 3\n");
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readText(header)).getMessage()
            .startsWith(header + ":1: expected a header"));
        final Path shortLine = Files.writeString(dir.resolve("s.txt"), "1 3\nking 1 2\n");
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readText(shortLine)).getMessage()
            .startsWith(shortLine + ":2: expected a word and 3 numbers"));
        final Path cut = dir.resolve("c.bin");
        VECTORS.writeBinary(cut);
        final byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 6));
        assertTrue(assertThrows(IOException.class, () -> WordVectors.readBinary(cut)).getMessage()
            .contains("vector of word 2 'zürich' is cut short"));
    }
}
