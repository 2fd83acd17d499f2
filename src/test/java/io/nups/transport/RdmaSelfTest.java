package io.nups.transport;

import io.nups.store.Slab;
import io.nups.transport.rdma.RdmaSelfTestHost;
import io.nups.transport.rdma.RdmaTransport;
import org.junit.jupiter.api.BeforeEach;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformance suite on {@link RdmaTransport} over REAL RDMA (DiSNI verbs, the device of the address given by
 * {@code -Dnups.rdma.selftest=ADDR}): run by {@code scripts/rdma-selftest ADDR} on an RDMA host. Elsewhere every
 * test is skipped with the reason, naming the probe's result.
 */
class RdmaSelfTest extends TransportConformanceTest
{
    @BeforeEach
    void onlyOnAnRdmaHost()
    {
        RdmaSelfTestHost.assumeRunnable();
    }

    @Override
    List<Transport> startCluster(final int n, final List<NodeUnderTest> nodes, final int slabBytes)
    {
        final int base = RdmaSelfTestHost.nextBasePort();
        final List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            addresses.add(RdmaSelfTestHost.address(base, i));
        }
        final List<RdmaTransport> transports = new ArrayList<>();
        final List<RegionDescriptor> regions = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final RdmaTransport t = new RdmaTransport(i, n, addresses.get(i), RdmaSelfTestHost.options());
            t.peerAddresses(addresses);
            final NodeUnderTest node = nodes.get(i);
            node.transport = t;
            node.slab = Slab.allocate(10 + i, slabBytes);
            regions.add(t.register(node.slab));
            t.messageHandler(recorder(node));
            t.failureHandler((peer, reason) -> node.lost.add(reason));
            transports.add(t);
        }
        return startAll(transports, regions);
    }
}
