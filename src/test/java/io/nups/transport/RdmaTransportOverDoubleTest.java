package io.nups.transport;

import io.nups.store.Slab;
import io.nups.transport.rdma.RdmaTransport;
import io.nups.transport.rdma.VerbsFabric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The conformance suite on {@link RdmaTransport} over the in-memory verbs double ({@link VerbsFabric}), NOT over
 * RDMA: it proves the transport's own logic (credits, fragments, dispatch, staged one-sided operations, close).
 * The same suite runs on real DiSNI verbs through {@code scripts/rdma-selftest} ({@link RdmaSelfTest}).
 */
class RdmaTransportOverDoubleTest extends TransportConformanceTest
{
    private static VerbsFabric fabric;

    @BeforeAll
    static void openFabric()
    {
        fabric = new VerbsFabric();
    }

    @AfterAll
    static void closeFabric() throws InterruptedException
    {
        fabric.close();
    }

    @AfterEach
    void noSendEverFoundNoReceive()
    {
        assertEquals(0, fabric.receiverNotReady(), "a SEND found no posted receive: credits were overspent");
    }

    @Override
    List<Transport> startCluster(final int n, final List<NodeUnderTest> nodes, final int slabBytes)
    {
        final List<RdmaTransport> transports = new ArrayList<>();
        final List<RegionDescriptor> regions = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final RdmaTransport t = fabric.transport(i, n, VerbsFabric.smallOptions());
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
