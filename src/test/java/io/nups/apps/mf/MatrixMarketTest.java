package io.nups.apps.mf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MatrixMarket coordinate reader: the generator's format, every malformed case by file:line, the cache. */
class MatrixMarketTest
{
    private static final String HEADER = "%%MatrixMarket matrix coordinate real general\n";

    @TempDir
    Path dir;

    @Test
    void readsTheFormatGenNupsSynthWrites() throws IOException
    {
        final Path file = write("train.mmc", HEADER +
            "% NuPS synthetic MF data: gen_nups_synth.py mf seed=1 rows=3 cols=4\n" +
            "3 4 5\n" +
            "1 2 -0.8227818669141995\n" +
            "1 4 1.5\n" +
            "2 1 3e-05\r\n" +
            "\n" +
            "  3\t3   -1.25E+2  \n" +
            "3 4 7\n");
        final CoordinateMatrix matrix = MatrixMarket.parse(file);
        assertEquals(3, matrix.rows());
        assertEquals(4, matrix.cols());
        final Cells cells = matrix.cells();
        assertEquals(5, cells.size());
        assertEquals(0, cells.row(0));
        assertEquals(1, cells.col(0));
        assertEquals(-0.8227818669141995f, cells.value(0));
        assertEquals(1.5f, cells.value(1));
        assertEquals(1, cells.row(2));
        assertEquals(0, cells.col(2));
        assertEquals(3e-05f, cells.value(2));
        assertEquals(2, cells.row(3));
        assertEquals(2, cells.col(3));
        assertEquals(-125f, cells.value(3));
        assertEquals(3, cells.col(4));
        assertEquals(7f, cells.value(4));
    }

    @Test
    void decimalsParseToTheCorrectlyRoundedFloat() throws IOException
    {
        final SplittableRandom rng = new SplittableRandom(5);
        final StringBuilder text = new StringBuilder(HEADER).append("1 1 2000\n");
        final List<String> written = new ArrayList<>();
        for (int i = 0; i < 2000; i++)
        {
            final double value = rng.nextGaussian() * Math.pow(10, rng.nextInt(-12, 12));
            final String decimal = i % 3 == 0 ? String.format("%.6f", value) : i % 3 == 1 ? repr(value) :
                String.format("%.17e", value);
            written.add(decimal);
            text.append("1 1 ").append(decimal).append('\n');
        }
        final Cells cells = MatrixMarket.parse(write("numbers.mmc", text.toString())).cells();
        for (int i = 0; i < written.size(); i++)
        {
            assertEquals((float)Double.parseDouble(written.get(i)), cells.value(i), written.get(i));
        }
    }

    @Test
    void malformedFilesAreReportedByFileLineAndWhatWasExpected() throws IOException
    {
        assertMalformed("%%MatrixMarket matrix array real general\n2 2\n", ":1: expected the header");
        assertMalformed("", ":1: empty file; expected the header");
        assertMalformed(HEADER + "% only a comment\n", ":2: no size line");
        assertMalformed(HEADER + "2 x 3\n", ":2: expected the column count on the size line");
        assertMalformed(HEADER + "2 2\n", ":2: expected the entry count on the size line \"rows columns entries\", " +
            "found the end of the line");
        assertMalformed(HEADER + "2 2 1 9\n", ":2: expected 3 numbers on the size line");
        assertMalformed(HEADER + "0 2 1\n1 1 1\n", ":2: rows and columns must be in [1, ");
        assertMalformed(HEADER + "2 2 2\n1 1 1\n3 1 1\n", ":4: row index 3 out of range; expected 1..2");
        assertMalformed(HEADER + "2 2 2\n1 1 1\n1 0 1\n", ":4: column index 0 out of range; expected 1..2");
        assertMalformed(HEADER + "2 2 1\n1 1 abc\n", ":3: expected a finite decimal value");
        assertMalformed(HEADER + "2 2 1\n1 1 nan\n", ":3: expected a finite decimal value");
        assertMalformed(HEADER + "2 2 1\n1 1 1e99\n", ":3: value \"1e99\" does not fit a float");
        assertMalformed(HEADER + "2 2 1\n-1 1 1\n", ":3: expected a row index in [1, 2]");
        assertMalformed(HEADER + "2 2 1\n1 1.5 1\n", ":3: expected a column index in [1, 2]");
        assertMalformed(HEADER + "2 2 1\n1 1\n", ":3: expected a finite decimal value");
        assertMalformed(HEADER + "2 2 1\n1 1 1 1\n", ":3: expected 3 fields \"row column value\", found more");
        assertMalformed(HEADER + "2 2 3\n1 1 1\n2 2 2\n", ":5: end of file after 2 entries; the size line (line 2) " +
            "declares 3");
        assertMalformed(HEADER + "2 2 1\n1 1 1\n2 2 2\n", ":4: more entries than the 1 declared on the size line " +
            "(line 2)");
        final UncheckedIOException missing = assertThrows(UncheckedIOException.class,
            () -> MatrixMarket.read(dir.resolve("none.mmc"), null, line -> { }));
        assertTrue(missing.getMessage().contains("none.mmc: cannot read: no such file"), missing.getMessage());
    }

    @Test
    void theCacheIsReusedWhileTheSourceIsUnchanged() throws IOException
    {
        final Path file = write("train.mmc", HEADER + "2 2 2\n1 1 1.5\n2 2 2.5\n");
        final List<String> log = new ArrayList<>();
        assertEquals(1.5f, MatrixMarket.read(file, null, log::add).cells().value(0));
        assertEquals(1, log.size());
        assertTrue(log.get(0).startsWith("cached 2 entries of " + file), log.toString());
        assertTrue(Files.exists(MatrixMarket.cacheFile(file, null)));

        // Same size and modification time: the cache is trusted, so the old values come back.
        final FileTime modified = Files.getLastModifiedTime(file);
        Files.writeString(file, HEADER + "2 2 2\n1 1 9.5\n2 2 2.5\n");
        Files.setLastModifiedTime(file, modified);
        final CoordinateMatrix cached = MatrixMarket.read(file, null, log::add);
        assertEquals(1, log.size(), log.toString());
        assertEquals(1.5f, cached.cells().value(0));
        assertEquals(2.5f, cached.cells().value(1));
        assertEquals(1, cached.cells().row(1));
    }

    @Test
    void aChangedSourceRebuildsTheCache() throws IOException
    {
        final Path file = write("train.mmc", HEADER + "2 2 1\n1 1 1.5\n");
        final Path cacheDir = dir.resolve("cache");
        MatrixMarket.read(file, cacheDir, line -> { });
        assertTrue(Files.exists(MatrixMarket.cacheFile(file, cacheDir)));
        Files.writeString(file, HEADER + "2 2 2\n1 1 4.5\n2 1 5.5\n");
        final List<String> log = new ArrayList<>();
        final CoordinateMatrix matrix = MatrixMarket.read(file, cacheDir, log::add);
        assertEquals(2, matrix.cells().size());
        assertEquals(4.5f, matrix.cells().value(0));
        assertTrue(log.get(0).contains("the source changed since it was cached") && log.get(0).contains("rebuilding"),
            log.toString());
        log.clear();
        assertEquals(5.5f, MatrixMarket.read(file, cacheDir, log::add).cells().value(1));
        assertEquals(List.of(), log, "the rebuilt cache is used");
    }

    @Test
    void aDamagedCacheIsRebuilt() throws IOException
    {
        final Path file = write("train.mmc", HEADER + "3 3 3\n1 1 1.5\n2 2 2.5\n3 3 3.5\n");
        final Path cache = MatrixMarket.cacheFile(file, null);
        MatrixMarket.read(file, null, line -> { });
        final byte[] good = Files.readAllBytes(cache);

        final byte[] flipped = good.clone();
        flipped[MatrixMarket.HEADER_BYTES + 30] ^= 0x10; // inside the values
        assertRebuilt(file, cache, flipped, "checksum mismatch");
        final byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
        assertRebuilt(file, cache, truncated, "bytes for 3 entries");
        final byte[] otherVersion = good.clone();
        otherVersion[8] = 99;
        assertRebuilt(file, cache, otherVersion, "cache version 99, this nups writes " + MatrixMarket.VERSION);
        assertRebuilt(file, cache, "garbage".getBytes(StandardCharsets.US_ASCII), "ends early");
    }

    @Test
    void datasetReadsTrainAndTestAndChecksTheirShapes() throws IOException
    {
        write("train.mmc", HEADER + "3 2 2\n1 1 1\n3 2 2\n");
        write("test.mmc", HEADER + "3 2 1\n2 2 5\n");
        final SparseMatrix matrix = MfDataset.load(dir, dir.resolve("c"), line -> { });
        assertEquals(3, matrix.rows());
        assertEquals(2, matrix.train().size());
        assertEquals(5f, matrix.test().value(0));

        write("test.mmc", HEADER + "4 2 1\n2 2 5\n");
        final IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
            () -> MfDataset.load(dir, null, line -> { }));
        assertTrue(shape.getMessage().contains("test.mmc: declares a 4 x 2 matrix; expected the 3 x 2 of"),
            shape.getMessage());
        final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> MfDataset.load(dir.resolve("c"), null, line -> { }));
        assertTrue(empty.getMessage().contains("no train.mmc"), empty.getMessage());
    }

    private void assertRebuilt(final Path file, final Path cache, final byte[] content, final String reason)
        throws IOException
    {
        Files.write(cache, content);
        final List<String> log = new ArrayList<>();
        final CoordinateMatrix matrix = MatrixMarket.read(file, null, log::add);
        assertEquals(3.5f, matrix.cells().value(2));
        assertTrue(log.get(0).startsWith("cache " + cache + " is not usable (") && log.get(0).contains(reason) &&
            log.get(0).endsWith("rebuilding it from " + file), log.toString());
    }

    private void assertMalformed(final String content, final String message) throws IOException
    {
        final Path file = write("bad.mmc", content);
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> MatrixMarket.read(file, dir.resolve("cache"), line -> { }));
        assertTrue(error.getMessage().startsWith(file + message), error.getMessage() + "\n  wanted: " + file + message);
    }

    private Path write(final String name, final String content) throws IOException
    {
        return Files.writeString(dir.resolve(name), content);
    }

    /** Like Python's repr: the shortest decimal that reads back as the double. */
    private static String repr(final double value)
    {
        return Double.toString(value);
    }
}
