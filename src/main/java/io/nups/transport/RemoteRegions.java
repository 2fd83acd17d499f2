package io.nups.transport;

import org.agrona.collections.Int2ObjectHashMap;

import java.util.List;

/**
 * The regions the peers of one node registered, by node and region id, and the checks of a one-sided access to
 * them. Transports that address peers' memory by descriptor share it; thread-safe.
 */
public final class RemoteRegions
{
    private final int rank;
    private final Int2ObjectHashMap<RegionDescriptor>[] byNode;

    @SuppressWarnings("unchecked")
    public RemoteRegions(final int rank, final int nodes)
    {
        this.rank = rank;
        this.byNode = new Int2ObjectHashMap[nodes];
        for (int i = 0; i < nodes; i++)
        {
            byNode[i] = new Int2ObjectHashMap<>();
        }
    }

    /** Learns {@code regions}; each must belong to a peer, not to this node. */
    public synchronized void add(final List<RegionDescriptor> regions)
    {
        for (final RegionDescriptor region : regions)
        {
            if (region.node() < 0 || region.node() >= byNode.length || region.node() == rank)
            {
                throw new IllegalArgumentException("region " + region + " does not belong to a peer of node " + rank);
            }
            byNode[region.node()].put(region.regionId(), region);
        }
    }

    /**
     * The region that a one-sided {@code op} of {@code length} bytes at {@code offset} of region {@code regionId}
     * of node {@code peer} addresses.
     *
     * @throws TransportException naming the access when it exceeds {@code maxLength}, the region is unknown, or
     *                            the bytes lie outside it
     */
    public RegionDescriptor check(final int peer, final int regionId, final long offset, final int length,
        final int maxLength, final String op)
    {
        if (length > maxLength)
        {
            throw new TransportException("one-sided " + op + " of " + length + " bytes at node " + peer +
                " exceeds the limit of " + maxLength + " bytes");
        }
        final RegionDescriptor region;
        synchronized (this)
        {
            region = peer >= 0 && peer < byNode.length ? byNode[peer].get(regionId) : null;
        }
        if (region == null)
        {
            throw new TransportException("one-sided " + op + " at node " + peer + ": region " + regionId +
                " is not known (not registered or not exchanged)");
        }
        if (!region.contains(offset, length))
        {
            throw new TransportException("one-sided " + op + " at node " + peer + ": bytes [" + offset + ", " +
                (offset + length) + ") lie outside region " + regionId + " of " + region.length() + " bytes");
        }
        return region;
    }
}
