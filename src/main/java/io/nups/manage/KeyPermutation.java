package io.nups.manage;

/**
 * A fixed pseudo-random bijection of {@code [0, n)}: a four-round Feistel network over the smallest
 * even-bit power of two that holds n, with cycle walking back into range. Spreads hot key ranges over
 * home nodes (NuPS's {@code enforce_random_keys}) with no per-key memory.
 */
final class KeyPermutation
{
    private static final int ROUNDS = 4;

    private final int n;
    private final int halfBits;
    private final int halfMask;
    private final long seed;

    KeyPermutation(final int n, final long seed)
    {
        this.n = n;
        int bits = 2;
        while ((1L << bits) < n)
        {
            bits += 2;
        }
        this.halfBits = bits / 2;
        this.halfMask = (1 << halfBits) - 1;
        this.seed = seed;
    }

    int apply(final int key)
    {
        int x = key;
        do
        {
            x = encrypt(x);
        }
        while (x >= n);
        return x;
    }

    private int encrypt(final int x)
    {
        int left = x >>> halfBits;
        int right = x & halfMask;
        for (int round = 0; round < ROUNDS; round++)
        {
            final int next = left ^ (round(right, round) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private int round(final int value, final int round)
    {
        long z = value * 0x9E3779B97F4A7C15L + seed + round * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int)(z ^ (z >>> 31));
    }
}
