package io.nups.apps.mf;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Revealed cells of a sparse matrix as parallel arrays (row, column, value): compact, and scanned without
 * any object per cell.
 */
public final class Cells
{
    private final int[] rows;
    private final int[] cols;
    private final float[] values;

    public Cells(final int[] rows, final int[] cols, final float[] values)
    {
        if (rows.length != cols.length || rows.length != values.length)
        {
            throw new IllegalArgumentException("cell arrays differ in length: " + rows.length + " rows, " +
                cols.length + " columns, " + values.length + " values");
        }
        this.rows = rows;
        this.cols = cols;
        this.values = values;
    }

    public int size()
    {
        return rows.length;
    }

    public int row(final int cell)
    {
        return rows[cell];
    }

    public int col(final int cell)
    {
        return cols[cell];
    }

    public float value(final int cell)
    {
        return values[cell];
    }

    /** Cells {@code [from, to)} as a new, independent set. */
    public Cells slice(final int from, final int to)
    {
        return new Cells(
            Arrays.copyOfRange(rows, from, to), Arrays.copyOfRange(cols, from, to), Arrays.copyOfRange(values, from, to));
    }

    /** The cells whose row is in {@code [fromRow, toRow)}, in their order, as a new set. */
    public Cells rowsWithin(final int fromRow, final int toRow)
    {
        int count = 0;
        for (final int row : rows)
        {
            if (row >= fromRow && row < toRow)
            {
                count++;
            }
        }
        final Cells within = new Cells(new int[count], new int[count], new float[count]);
        int at = 0;
        for (int i = 0; i < rows.length; i++)
        {
            if (rows[i] >= fromRow && rows[i] < toRow)
            {
                within.rows[at] = rows[i];
                within.cols[at] = cols[i];
                within.values[at++] = values[i];
            }
        }
        return within;
    }

    /** Reorders all cells uniformly at random (Fisher-Yates), in place. */
    public void shuffle(final RandomGenerator rng)
    {
        for (int i = rows.length - 1; i > 0; i--)
        {
            final int j = rng.nextInt(i + 1);
            swap(rows, i, j);
            swap(cols, i, j);
            final float value = values[i];
            values[i] = values[j];
            values[j] = value;
        }
    }

    /** Number of cells in each row (or, with {@code byColumn}, each column) of a matrix of {@code size} of them. */
    public int[] countPer(final int size, final boolean byColumn)
    {
        final int[] index = byColumn ? cols : rows;
        final int[] counts = new int[size];
        for (final int i : index)
        {
            counts[i]++;
        }
        return counts;
    }

    private static void swap(final int[] array, final int i, final int j)
    {
        final int value = array[i];
        array[i] = array[j];
        array[j] = value;
    }
}
