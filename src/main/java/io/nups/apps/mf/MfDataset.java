package io.nups.apps.mf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The data of an MF run: the matrix split into training and test cells. Loaded from a directory as
 * {@code gen_nups_synth.py mf} and the reference write it ({@code train.mmc}, {@code test.mmc}), or generated
 * in memory by {@link ZipfMatrix}.
 */
public final class MfDataset
{
    /** Training cells' file name in a data directory. */
    public static final String TRAIN_FILE = "train.mmc";
    /** Test cells' file name in a data directory (optional). */
    public static final String TEST_FILE = "test.mmc";

    private MfDataset()
    {
    }

    /**
     * Reads {@code directory}/train.mmc and, if present, test.mmc (through {@link MatrixMarket}'s cache); both
     * must declare the same shape.
     *
     * @param cacheDir where to keep the binary caches, or null for next to the files
     * @param log      receives cache messages
     */
    public static SparseMatrix load(final Path directory, final Path cacheDir, final Consumer<String> log)
    {
        final Path trainFile = directory.resolve(TRAIN_FILE);
        if (!Files.isRegularFile(trainFile))
        {
            throw new IllegalArgumentException(directory + ": no " + TRAIN_FILE + "; expected a directory with " +
                TRAIN_FILE + " (and optionally " + TEST_FILE + ") in MatrixMarket coordinate format");
        }
        final CoordinateMatrix train = MatrixMarket.read(trainFile, cacheDir, log);
        final Path testFile = directory.resolve(TEST_FILE);
        if (!Files.isRegularFile(testFile))
        {
            return new SparseMatrix(train.rows(), train.cols(), train.cells(), new Cells(new int[0], new int[0], new float[0]));
        }
        final CoordinateMatrix test = MatrixMarket.read(testFile, cacheDir, log);
        if (test.rows() != train.rows() || test.cols() != train.cols())
        {
            throw new IllegalArgumentException(testFile + ": declares a " + test.rows() + " x " + test.cols() +
                " matrix; expected the " + train.rows() + " x " + train.cols() + " of " + trainFile);
        }
        return new SparseMatrix(train.rows(), train.cols(), train.cells(), test.cells());
    }
}
