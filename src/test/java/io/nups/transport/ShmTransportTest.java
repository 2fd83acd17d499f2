package io.nups.transport;

import io.nups.store.Slab;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.MappedByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShmTransportTest extends TransportConformanceTest
{
    private static final ShmOptions SMALL = ShmOptions.DEFAULT.withRingCapacity(1 << 20)
        .withStartTimeout(Duration.ofSeconds(10));

    @TempDir
    Path runDirectory;

    @Override
    List<Transport> startCluster(final int n, final List<NodeUnderTest> nodes, final int slabBytes)
    {
        final List<ShmTransport> transports = new ArrayList<>();
        final List<RegionDescriptor> regions = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final ShmTransport t = new ShmTransport(i, n, runDirectory, SMALL);
            final NodeUnderTest node = nodes.get(i);
            node.transport = t;
            node.slab = Slab.mapNewFile(10 + i, slabBytes, runDirectory.resolve(t.slabFilePrefix() + "-" + (10 + i) + ".slab"));
            regions.add(t.register(node.slab));
            t.messageHandler(recorder(node));
            t.failureHandler((peer, reason) -> node.lost.add(reason));
            transports.add(t);
        }
        return startAll(transports, regions);
    }

    @Test
    void filesAreRemovedOnCleanExit()
    {
        cluster(2, 4096);
        assertTrue(Files.exists(runDirectory.resolve("r0.bell")));
        assertTrue(Files.exists(runDirectory.resolve("r1.bell")));
        closeCluster();
        for (final String name : List.of("r0.ring", "r0.ctl", "r0.bell", "r1.ring", "r1.ctl", "r1.bell"))
        {
            assertFalse(Files.exists(runDirectory.resolve(name)), name + " left after a clean exit");
        }
    }

    @Test
    void staleFilesOfADeadProcessAreRemovedAndALiveOwnerIsRefused() throws Exception
    {
        writeControl("r0.ctl", deadPid(), ShmControlDescriptor.STATE_READY);
        Files.write(runDirectory.resolve("r0-3.slab"), new byte[4096]);
        Files.write(runDirectory.resolve("r10-3.slab"), new byte[4096]);
        leaveDeadSocket("r0.bell");
        try (ShmTransport t = new ShmTransport(0, 2, runDirectory, SMALL))
        {
            assertFalse(Files.exists(runDirectory.resolve("r0-3.slab")), "stale slab of a dead process kept");
            assertTrue(Files.exists(runDirectory.resolve("r10-3.slab")), "another rank's file removed");
            assertTrue(Files.exists(runDirectory.resolve("r0.ring")));
            assertTrue(t.maxMessageLength() > 0);
            assertListens("r0.bell");
        }
        final long live = ProcessHandle.current().parent().orElseThrow().pid();
        writeControl("r1.ctl", live, ShmControlDescriptor.STATE_READY);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> new ShmTransport(1, 2, runDirectory, SMALL));
        assertTrue(ex.getMessage().contains("belong to running process " + live), ex.getMessage());
    }

    @Test
    void orphanBellWithoutControlFileIsReplaced() throws Exception
    {
        // a crash while closing can leave the socket file after the control file is gone
        leaveDeadSocket("r0.bell");
        try (ShmTransport t = new ShmTransport(0, 2, runDirectory, SMALL))
        {
            assertListens("r0.bell");
        }
        assertFalse(Files.exists(runDirectory.resolve("r0.bell")));
    }

    @Test
    void runDirectoryTooLongForABellSocketIsRefusedAndLeavesNoFiles() throws Exception
    {
        final Path deep = runDirectory.resolve("d".repeat(120));
        final TransportException ex = assertThrows(TransportException.class,
            () -> new ShmTransport(0, 2, deep, SMALL));
        assertTrue(ex.getMessage().contains("cannot bind the shm doorbell socket " + deep.resolve("r0.bell")),
            ex.getMessage());
        try (var left = Files.list(deep))
        {
            assertEquals(List.of(), left.toList(), "files left after a refused start");
        }
    }

    @Test
    void peerWhoseProcessDiedIsReportedLost() throws Exception
    {
        final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
        // a peer that was ready, then died without leaving: its files remain, its process is gone (the fake
        // peer's bell still listens, as a peer's does until its process ends)
        try (ShmTransport fakePeer = new ShmTransport(1, 2, runDirectory, SMALL);
            ShmTransport t = new ShmTransport(0, 2, runDirectory, SMALL))
        {
            writeControl("r1.ctl", deadPid(), ShmControlDescriptor.STATE_READY);
            t.messageHandler((from, b, o, l) -> { });
            t.failureHandler((peer, reason) -> lost.add(peer + ": " + reason));
            t.start();
            awaitCount(lost, 1, "lost peers");
            assertTrue(lost.peek().startsWith("1: node 1 (shm "), lost.peek());
            assertTrue(lost.peek().contains("is gone"), lost.peek());
            final TransportException ex = assertThrows(TransportException.class,
                () -> t.send(1, new UnsafeBuffer(new byte[8]), 0, 8));
            assertTrue(ex.getMessage().contains("lost"), ex.getMessage());
        }
        assertNoTransportThreadsLeft();
    }

    @Test
    void peerWhoseBellIsMissingFailsStartNamingPeerAndPath() throws Exception
    {
        try (ShmTransport fakePeer = new ShmTransport(1, 2, runDirectory, SMALL);
            ShmTransport t = new ShmTransport(0, 2, runDirectory, SMALL))
        {
            writeControl("r1.ctl", ProcessHandle.current().pid(), ShmControlDescriptor.STATE_READY);
            Files.delete(runDirectory.resolve("r1.bell"));
            t.messageHandler((from, b, o, l) -> { });
            t.failureHandler((peer, reason) -> { });
            final TransportException ex = assertThrows(TransportException.class, t::start);
            assertTrue(ex.getMessage().contains("doorbell of node 1 at " + runDirectory.resolve("r1.bell")),
                ex.getMessage());
        }
        assertNoTransportThreadsLeft();
    }

    @Test
    void peerOfAnotherProtocolVersionIsRefused() throws Exception
    {
        try (ShmTransport fakePeer = new ShmTransport(1, 2, runDirectory, SMALL);
            ShmTransport t = new ShmTransport(0, 2, runDirectory, SMALL))
        {
            writeControl("r1.ctl", ProcessHandle.current().pid(), ShmControlDescriptor.STATE_READY,
                ShmControlDescriptor.PROTOCOL_VERSION - 1);
            t.messageHandler((from, b, o, l) -> { });
            t.failureHandler((peer, reason) -> { });
            final TransportException ex = assertThrows(TransportException.class, t::start);
            assertTrue(ex.getMessage().contains("node 1 in " + runDirectory + " runs protocol " +
                (ShmControlDescriptor.PROTOCOL_VERSION - 1)), ex.getMessage());
        }
    }

    @Test
    void slabsMustBeTheMappedFilesPeersExpect()
    {
        try (ShmTransport t = new ShmTransport(0, 1, runDirectory, SMALL); Slab anonymous = Slab.allocate(0, 4096))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> t.register(anonymous));
            assertTrue(ex.getMessage().contains("must be the mapped file"), ex.getMessage());
        }
    }

    private void writeControl(final String name, final long pid, final int state) throws Exception
    {
        writeControl(name, pid, state, ShmControlDescriptor.PROTOCOL_VERSION);
    }

    private void writeControl(final String name, final long pid, final int state, final int version) throws Exception
    {
        Files.createDirectories(runDirectory);
        final Path path = runDirectory.resolve(name);
        // a fake peer's own control file is rewritten in place, as a peer that later died would leave it
        final MappedByteBuffer mapping = Files.exists(path) ? IoUtil.mapExistingFile(path.toFile(), name) :
            IoUtil.mapNewFile(path.toFile(), ShmControlDescriptor.LENGTH);
        try
        {
            final UnsafeBuffer view = new UnsafeBuffer(mapping);
            view.putInt(ShmControlDescriptor.MAGIC_OFFSET, ShmControlDescriptor.MAGIC);
            view.putInt(ShmControlDescriptor.VERSION_OFFSET, version);
            view.putLong(ShmControlDescriptor.PID_OFFSET, pid);
            view.putLong(ShmControlDescriptor.HEARTBEAT_OFFSET, System.currentTimeMillis());
            view.putInt(ShmControlDescriptor.STATE_OFFSET, state);
            view.putInt(ShmControlDescriptor.NODES_OFFSET, 2);
        }
        finally
        {
            IoUtil.unmap(mapping);
        }
    }

    /** A UNIX socket file whose listener is closed: what a crashed process leaves (nothing unlinks it). */
    private void leaveDeadSocket(final String name) throws Exception
    {
        Files.createDirectories(runDirectory);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(runDirectory.resolve(name)));
        }
        assertTrue(Files.exists(runDirectory.resolve(name)));
    }

    private void assertListens(final String name) throws Exception
    {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(runDirectory.resolve(name))))
        {
            assertTrue(client.isConnected());
        }
    }

    private static long deadPid() throws Exception
    {
        final Process process = new ProcessBuilder("true").start();
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        return process.pid();
    }
}
