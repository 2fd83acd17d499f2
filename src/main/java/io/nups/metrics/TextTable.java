package io.nups.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text table whose columns are padded to their widest cell, so rows line up whatever the values:
 * the first column left-aligned, numbers right-aligned.
 */
final class TextTable
{
    private static final String GAP = "  ";

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(final String... header)
    {
        this.columns = header.length;
        rows.add(header);
    }

    TextTable row(final String... cells)
    {
        if (cells.length != columns)
        {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns + " columns");
        }
        rows.add(cells);
        return this;
    }

    @Override
    public String toString()
    {
        final int[] widths = new int[columns];
        for (final String[] row : rows)
        {
            for (int c = 0; c < columns; c++)
            {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }

        final StringBuilder text = new StringBuilder();
        for (final String[] row : rows)
        {
            text.append(row[0]).append(" ".repeat(widths[0] - row[0].length()));
            for (int c = 1; c < columns; c++)
            {
                text.append(GAP).append(" ".repeat(widths[c] - row[c].length())).append(row[c]);
            }
            text.append('\n');
        }
        return text.toString();
    }
}
