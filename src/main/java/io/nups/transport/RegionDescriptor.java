package io.nups.transport;

/**
 * What a peer needs to address a registered slab with one-sided operations.
 *
 * @param node      rank of the node that registered the region
 * @param regionId  the region's id on that node (the slab id)
 * @param base      base address on the registering node (RDMA addresses remote memory by it)
 * @param length    bytes in the region
 * @param remoteKey the key a peer presents to access it (RDMA rkey; 0 where the transport has none)
 */
public record RegionDescriptor(int node, int regionId, long base, int length, int remoteKey)
{
    /** True iff {@code [offset, offset + bytes)} lies inside the region. */
    public boolean contains(final long offset, final int bytes)
    {
        return offset >= 0 && bytes >= 0 && offset + bytes <= length;
    }
}
