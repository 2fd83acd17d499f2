package io.nups.transport.rdma;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/** The addresses DiSNI can connect: IPv4, neither loopback nor wildcard, i.e. an IPoIB or RoCE interface's. */
final class RdmaAddresses
{
    private RdmaAddresses()
    {
    }

    /** Refuses an address DiSNI endpoints cannot use, naming the node, the address and what to give instead. */
    static InetSocketAddress check(final int node, final InetSocketAddress address)
    {
        final String where = "rdma: node " + node + "'s address " + address.getHostString() + ":" + address.getPort();
        final String fix = ": give each node its RDMA interface's IPv4 address (IPoIB or RoCE) in the hostfile, " +
            "or use --transport tcp or shm";
        if (address.isUnresolved())
        {
            throw new IllegalArgumentException(where + " does not resolve" + fix);
        }
        if (!(address.getAddress() instanceof Inet4Address))
        {
            throw new IllegalArgumentException(where + " is not IPv4; DiSNI connects over IPv4 only" + fix);
        }
        if (address.getAddress().isLoopbackAddress())
        {
            throw new IllegalArgumentException(where + " is a loopback address, which DiSNI endpoints refuse" + fix);
        }
        if (address.getAddress().isAnyLocalAddress())
        {
            throw new IllegalArgumentException(where + " is the wildcard address; RDMA needs the interface's own" +
                fix);
        }
        return address;
    }
}
