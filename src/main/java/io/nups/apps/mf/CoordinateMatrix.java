package io.nups.apps.mf;

/**
 * The contents of one MatrixMarket coordinate file: the declared shape and its entries, 0-based.
 *
 * @param rows  rows declared on the size line
 * @param cols  columns declared on the size line
 * @param cells the entries in file order, with 0-based row and column indices
 */
public record CoordinateMatrix(int rows, int cols, Cells cells)
{
    public CoordinateMatrix
    {
        if (rows < 1 || cols < 1)
        {
            throw new IllegalArgumentException("matrix must have at least one row and column, got " + rows + " x " + cols);
        }
    }
}
