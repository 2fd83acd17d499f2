package io.nups.apps.kge;

/** Contiguous shares of {@code [0, size)}: part p of n is {@code [start(size, p, n), start(size, p + 1, n))}. */
final class Partition
{
    private Partition()
    {
    }

    static int start(final int size, final int part, final int parts)
    {
        return (int)((long)size * part / parts);
    }
}
