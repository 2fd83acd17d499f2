package io.nups.cluster;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where a node's data transport listens, and which machine it runs on.
 *
 * @param data   the address peers connect to for messages and one-sided operations
 * @param hostId the node's machine: host name plus the kernel boot id where readable; nodes with equal
 *               ids run on one machine, so they can use the shared-memory transport
 */
public record NodeAddress(InetSocketAddress data, String hostId)
{
    public NodeAddress
    {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(hostId, "hostId");
    }

    /** The host id of the machine this JVM runs on. */
    public static String localHostId()
    {
        return HostIdentity.local();
    }

    @Override
    public String toString()
    {
        return data.getHostString() + ":" + data.getPort() + " (" + hostId + ")";
    }
}
