package io.nups.manage;

import io.nups.store.StoreOptions;
import io.nups.store.Slab;
import io.nups.transport.MessageHandler;
import io.nups.transport.OneSidedCompletion;
import io.nups.transport.PeerFailureHandler;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.Transport;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionExchangeTest
{
    private static final long SHORT_WAIT = TimeUnit.MILLISECONDS.toNanos(200);

    @Test
    void waitsForEveryPeerAndAddsTheirRegions()
    {
        final RecordingTransport transport = new RecordingTransport(0, 3);
        final RegionExchange exchange = new RegionExchange(transport, 7);
        exchange.onRegions(1, 7, List.of(region(1, 0), region(1, 1)), 3);
        exchange.onRegions(2, 7, List.of(region(2, 0)), 1);
        exchange.onRegions(1, 7, List.of(region(1, 2)), 3);
        exchange.await(SHORT_WAIT);
        assertEquals(4, transport.added.size());
    }

    @Test
    void aSilentPeerIsNamedWhenTheWaitEnds()
    {
        final RegionExchange exchange = new RegionExchange(new RecordingTransport(0, 4), 7);
        exchange.onRegions(1, 7, List.of(region(1, 0)), 1);
        exchange.onRegions(3, 7, List.of(region(3, 0)), 2); // half of node 3's regions
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> exchange.await(SHORT_WAIT));
        assertTrue(error.getMessage().contains("node 2, node 3"), error.getMessage());
        assertFalse(error.getMessage().contains("node 1,"), error.getMessage());
    }

    @Test
    void badAnnouncementsAreRefused()
    {
        final RegionExchange exchange = new RegionExchange(new RecordingTransport(0, 3), 7);
        assertThrows(IllegalArgumentException.class, () -> exchange.onRegions(0, 7, List.of(), 0), "from itself");
        assertThrows(IllegalArgumentException.class, () -> exchange.onRegions(1, 7, List.of(region(2, 0)), 1),
            "another node's region");
        assertThrows(IllegalArgumentException.class,
            () -> exchange.onRegions(2, 7, List.of(region(2, 0), region(2, 1)), 1), "more than announced");
    }

    @Test
    void aPeerStartedWithOtherSettingsIsRefusedByName()
    {
        final RegionExchange exchange = new RegionExchange(new RecordingTransport(0, 3), 7);
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> exchange.onRegions(2, 8, List.of(region(2, 0)), 1));
        assertTrue(ex.getMessage().startsWith("node 2 was started with other settings than node 0"), ex.getMessage());
    }

    @Test
    void aFailureEndsTheWait()
    {
        final RegionExchange exchange = new RegionExchange(new RecordingTransport(1, 2), 7);
        exchange.fail("lost node 0: gone");
        final IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> exchange.await(TimeUnit.SECONDS.toNanos(30)));
        assertTrue(error.getMessage().contains("lost node 0"), error.getMessage());
    }

    private static RegionDescriptor region(final int node, final int id)
    {
        return new RegionDescriptor(node, id, 4096L * (id + 1), 4096, 0);
    }

    /** Records added regions; nothing else is used by the exchange. */
    private static final class RecordingTransport implements Transport
    {
        final List<RegionDescriptor> added = new ArrayList<>();
        private final int rank;
        private final int nodes;

        RecordingTransport(final int rank, final int nodes)
        {
            this.rank = rank;
            this.nodes = nodes;
        }

        @Override
        public int rank()
        {
            return rank;
        }

        @Override
        public int nodes()
        {
            return nodes;
        }

        @Override
        public String name()
        {
            return "recording";
        }

        @Override
        public StoreOptions slabOptions(final StoreOptions requested)
        {
            return requested;
        }

        @Override
        public int maxMessageLength()
        {
            return 1 << 16;
        }

        @Override
        public RegionDescriptor register(final Slab slab)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addRemoteRegions(final List<RegionDescriptor> regions)
        {
            added.addAll(regions);
        }

        @Override
        public void messageHandler(final MessageHandler handler)
        {
        }

        @Override
        public void failureHandler(final PeerFailureHandler handler)
        {
        }

        @Override
        public void start()
        {
        }

        @Override
        public void send(final int peer, final DirectBuffer buffer, final int offset, final int length)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void read(final int peer, final int regionId, final long offset, final int length,
            final long localAddress, final long token, final OneSidedCompletion completion)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(final int peer, final int regionId, final long offset, final int length,
            final long localAddress, final long token, final OneSidedCompletion completion)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close()
        {
        }
    }
}
