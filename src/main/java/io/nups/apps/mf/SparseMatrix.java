package io.nups.apps.mf;

/**
 * A matrix to factorize: its shape and its revealed cells, split into training and test cells.
 *
 * @param rows  number of rows
 * @param cols  number of columns
 * @param train cells the model learns from
 * @param test  held-out cells it is judged on
 */
public record SparseMatrix(int rows, int cols, Cells train, Cells test)
{
    public SparseMatrix
    {
        if (rows < 1 || cols < 1)
        {
            throw new IllegalArgumentException("matrix must have at least one row and column, got " + rows + " x " + cols);
        }
    }
}
