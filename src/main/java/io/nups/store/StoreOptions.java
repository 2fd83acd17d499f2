package io.nups.store;

import java.nio.file.Path;

/**
 * How a {@link ParameterStore} backs and sizes its slabs.
 *
 * @param slabDirectory  null for anonymous off-heap memory; else a directory (e.g. {@code /dev/shm}) in
 *                       which each slab is a mapped file, so peers on the same host can map it too.
 * @param filePrefix     file-name prefix of mapped slabs, unique per node and run.
 * @param capacityFactor share of each value length's keys this node can hold at once; 1.0 = all of them.
 * @param maxSlabLength  largest slab in bytes, a multiple of {@link Slab#ALIGNMENT}.
 */
public record StoreOptions(Path slabDirectory, String filePrefix, double capacityFactor, int maxSlabLength)
{
    public static final StoreOptions DEFAULT = new StoreOptions(null, "nups", 1.0, Slab.MAX_LENGTH);

    public StoreOptions
    {
        if (!(capacityFactor > 0 && capacityFactor <= 1.0))
        {
            throw new IllegalArgumentException("store capacity factor must be in (0, 1], got " + capacityFactor);
        }
        if (maxSlabLength < Slab.ALIGNMENT || maxSlabLength > Slab.MAX_LENGTH || maxSlabLength % Slab.ALIGNMENT != 0)
        {
            throw new IllegalArgumentException("max slab length must be a multiple of " + Slab.ALIGNMENT +
                " in [" + Slab.ALIGNMENT + ", " + Slab.MAX_LENGTH + "], got " + maxSlabLength);
        }
    }

    public StoreOptions withCapacityFactor(final double factor)
    {
        return new StoreOptions(slabDirectory, filePrefix, factor, maxSlabLength);
    }

    public StoreOptions withMappedFiles(final Path directory, final String prefix)
    {
        return new StoreOptions(directory, prefix, capacityFactor, maxSlabLength);
    }

    public StoreOptions withMaxSlabLength(final int bytes)
    {
        return new StoreOptions(slabDirectory, filePrefix, capacityFactor, bytes);
    }
}
