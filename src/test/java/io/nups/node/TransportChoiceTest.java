package io.nups.node;

import io.nups.cluster.ClusterTable;
import io.nups.cluster.NodeAddress;
import io.nups.transport.ShmOptions;
import io.nups.transport.TcpOptions;
import io.nups.transport.TcpTransport;
import io.nups.transport.Transport;
import io.nups.transport.rdma.RdmaOptions;
import io.nups.transport.rdma.RdmaStatus;
import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which transport each choice comes to, with fake RDMA probe results. */
class TransportChoiceTest
{
    private static final RdmaStatus USABLE = new RdmaStatus(List.of(new Check(Level.OK, "libdisni", "loaded", ""),
        new Check(Level.OK, "RDMA devices", "mlx5_0 port 1 ACTIVE", "")));
    private static final RdmaStatus NO_LIBRARY = new RdmaStatus(List.of(new Check(Level.OK, "JVM flags", "present", ""),
        new Check(Level.FAIL, "libdisni", "not loadable: no disni in java.library.path", "run native-setup/install")));
    private static final Supplier<RdmaStatus> NOT_PROBED = () ->
    {
        throw new AssertionError("probed RDMA where the choice does not depend on it");
    };

    private static ClusterTable table(final String host0, final String host1, final String id0, final String id1)
    {
        return new ClusterTable("run", 0, List.of(new NodeAddress(new InetSocketAddress(host0, 7001), id0),
            new NodeAddress(new InetSocketAddress(host1, 7002), id1)));
    }

    private static final ClusterTable TWO_HOSTS = table("10.0.0.1", "10.0.0.2", "a", "b");

    @Test
    void autoOnOneHostIsShmWithoutProbing()
    {
        assertEquals(new TransportChoice.Decision(TransportChoice.SHM, "auto: every node is on this host"),
            TransportChoice.AUTO.decide(table("10.0.0.1", "10.0.0.1", "a", "a"), NOT_PROBED));
    }

    @Test
    void autoAcrossHostsIsRdmaWhereTheProbeFindsItUsable()
    {
        assertEquals(new TransportChoice.Decision(TransportChoice.RDMA, "auto: node 1 on other hosts; rdma usable here"),
            TransportChoice.AUTO.decide(TWO_HOSTS, () -> USABLE));
    }

    @Test
    void autoAcrossHostsFallsBackToTcpSayingWhyInOneLine()
    {
        assertEquals(new TransportChoice.Decision(TransportChoice.TCP, "auto: node 1 on other hosts; rdma " +
            "unavailable: libdisni: not loadable: no disni in java.library.path (fix: run native-setup/install)"),
            TransportChoice.AUTO.decide(TWO_HOSTS, () -> NO_LIBRARY));
        final TransportChoice.Decision loopback = TransportChoice.AUTO.decide(table("127.0.0.1", "127.0.0.2", "a",
            "b"), () -> USABLE);
        assertEquals(TransportChoice.TCP, loopback.transport());
        assertTrue(loopback.why().startsWith("auto: node 1 on other hosts; rdma unavailable: rdma: node 0's address " +
            "127.0.0.1:7001 is a loopback address"), loopback.why());
    }

    @Test
    void explicitChoicesDoNotProbe()
    {
        assertEquals(TransportChoice.TCP, TransportChoice.TCP.decide(TWO_HOSTS, NOT_PROBED).transport());
        assertEquals(TransportChoice.RDMA, TransportChoice.RDMA.decide(TWO_HOSTS, NOT_PROBED).transport());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TransportChoice.SHM.decide(TWO_HOSTS, NOT_PROBED))
            .getMessage().contains("use --transport tcp, rdma or auto"));
    }

    @Test
    void rdmaOnAHostWithoutRdmaFailsNamingTheFailingCheckAndItsFix()
    {
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> TransportChoice.RDMA.requireUsable(NO_LIBRARY));
        assertEquals("--transport rdma: RDMA is not usable on this host: libdisni: not loadable: no disni in " +
            "java.library.path (fix: run native-setup/install); run nups doctor for every check, or use " +
            "--transport tcp or auto", ex.getMessage());
        TransportChoice.RDMA.requireUsable(USABLE);
        TransportChoice.AUTO.requireUsable(NO_LIBRARY);
    }

    @Test
    void rdmaWithLoopbackAddressesIsRefusedNamingTheNodeAndClosesTheListener()
    {
        final TcpTransport tcp = new TcpTransport(0, 2, new InetSocketAddress("127.0.0.1", 0), TcpOptions.DEFAULT);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            TransportChoice.RDMA.select(table("127.0.0.1", "10.0.0.2", "a", "b"), tcp, ShmOptions.DEFAULT,
                RdmaOptions.DEFAULT, () -> USABLE));
        assertTrue(ex.getMessage().startsWith("rdma: node 0's address 127.0.0.1:7001 is a loopback address, which " +
            "DiSNI endpoints refuse"), ex.getMessage());
        assertThrows(UncheckedIOException.class, tcp::listenAddress, "the tcp listener must be closed");
    }

    @Test
    void autoWithoutRdmaSelectsTheListeningTcpTransport()
    {
        final TcpTransport tcp = new TcpTransport(0, 2, new InetSocketAddress("127.0.0.1", 0), TcpOptions.DEFAULT);
        try (Transport chosen = TransportChoice.AUTO.select(TWO_HOSTS, tcp, ShmOptions.DEFAULT, RdmaOptions.DEFAULT,
            () -> NO_LIBRARY))
        {
            assertSame(tcp, chosen);
        }
    }

    @Test
    void parseNamesEveryTransport()
    {
        assertEquals(TransportChoice.RDMA, TransportChoice.parse(" Rdma "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TransportChoice.parse("ib")).getMessage()
            .contains("expected auto, tcp, shm or rdma"));
    }
}
