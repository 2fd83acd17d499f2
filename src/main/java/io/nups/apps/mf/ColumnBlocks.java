package io.nups.apps.mf;

import java.util.random.RandomGenerator;

/**
 * One worker's training cells in the reference's columnwise schedule (§5.3): grouped by column, each column a
 * contiguous segment. Every epoch the worker visits its columns in a fresh random order and the cells within a
 * column in a fresh random order, so one column factor serves a run of updates and can be localized ahead.
 */
final class ColumnBlocks
{
    private final int[] segmentStart;
    private final int[] segmentCol;
    private final int[] rows;
    private final float[] values;
    private final int[] order;

    private ColumnBlocks(final int[] segmentStart, final int[] segmentCol, final int[] rows, final float[] values)
    {
        this.segmentStart = segmentStart;
        this.segmentCol = segmentCol;
        this.rows = rows;
        this.values = values;
        this.order = Permutations.range(0, segmentCol.length);
    }

    /**
     * Splits a node's cells, sorted by column, into {@code workers} equal contiguous chunks (a column may span
     * two chunks) and returns chunk {@code worker}.
     */
    static ColumnBlocks chunk(final Cells byColumn, final int workers, final int worker)
    {
        final int from = (int)((long)byColumn.size() * worker / workers);
        final int to = (int)((long)byColumn.size() * (worker + 1) / workers);
        int segments = 0;
        for (int i = from; i < to; i++)
        {
            if (i == from || byColumn.col(i) != byColumn.col(i - 1))
            {
                segments++;
            }
        }
        final int[] start = new int[segments + 1];
        final int[] col = new int[segments];
        final int[] rows = new int[to - from];
        final float[] values = new float[to - from];
        int segment = 0;
        for (int i = from; i < to; i++)
        {
            if (i == from || byColumn.col(i) != byColumn.col(i - 1))
            {
                start[segment] = i - from;
                col[segment++] = byColumn.col(i);
            }
            rows[i - from] = byColumn.row(i);
            values[i - from] = byColumn.value(i);
        }
        start[segments] = to - from;
        return new ColumnBlocks(start, col, rows, values);
    }

    /** Sorts {@code cells} by column (counting sort, stable: rows keep their order within a column). */
    static Cells sortByColumn(final Cells cells, final int cols)
    {
        final int[] next = new int[cols + 1];
        for (int i = 0; i < cells.size(); i++)
        {
            next[cells.col(i) + 1]++;
        }
        for (int c = 0; c < cols; c++)
        {
            next[c + 1] += next[c];
        }
        final int[] rows = new int[cells.size()];
        final int[] colIndex = new int[cells.size()];
        final float[] values = new float[cells.size()];
        for (int i = 0; i < cells.size(); i++)
        {
            final int at = next[cells.col(i)]++;
            rows[at] = cells.row(i);
            colIndex[at] = cells.col(i);
            values[at] = cells.value(i);
        }
        return new Cells(rows, colIndex, values);
    }

    /** Draws the visiting order of the next epoch: columns, and the cells within every column. */
    void shuffle(final RandomGenerator rng)
    {
        Permutations.shuffle(order, rng);
        for (int s = 0; s < segmentCol.length; s++)
        {
            for (int i = segmentStart[s + 1] - 1; i > segmentStart[s]; i--)
            {
                final int j = segmentStart[s] + rng.nextInt(i - segmentStart[s] + 1);
                final int row = rows[i];
                rows[i] = rows[j];
                rows[j] = row;
                final float value = values[i];
                values[i] = values[j];
                values[j] = value;
            }
        }
    }

    int cells()
    {
        return rows.length;
    }

    int columns()
    {
        return segmentCol.length;
    }

    /** The column visited {@code position}-th this epoch. */
    int segmentAt(final int position)
    {
        return order[position];
    }

    int col(final int segment)
    {
        return segmentCol[segment];
    }

    int start(final int segment)
    {
        return segmentStart[segment];
    }

    int end(final int segment)
    {
        return segmentStart[segment + 1];
    }

    int row(final int cell)
    {
        return rows[cell];
    }

    float value(final int cell)
    {
        return values[cell];
    }
}
