package io.nups.node;

import io.nups.store.StoreOptions;
import io.nups.store.Slab;
import io.nups.transport.MessageHandler;
import io.nups.transport.OneSidedCompletion;
import io.nups.transport.PeerFailureHandler;
import io.nups.transport.RegionDescriptor;
import io.nups.transport.Transport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chaos decorator keeps FIFO per ordered pair, really reorders across pairs, and closes cleanly. */
class ChaosTransportTest
{
    /** Message: sender (int), sequence number per sender (int), global send order (int). */
    private static final int MESSAGE_LENGTH = 12;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void keepsFifoPerPairAndReordersAcrossPairs(final long seed)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        {
            final int perSender = 400;
            final FakeNetwork network = new FakeNetwork(3);
            final List<int[]> received = new ArrayList<>();
            network.endpoint(2).messageHandler((from, buffer, offset, length) ->
            {
                synchronized (received)
                {
                    received.add(new int[] {
                        buffer.getInt(offset), buffer.getInt(offset + 4), buffer.getInt(offset + 8)});
                }
            });
            // Short delays and no caller stalls: fast, yet far longer than the gap between two sends.
            final ChaosTransport.Options options = new ChaosTransport.Options(300, 50, 2_000, 0, 0);
            final ChaosTransport sender0 = new ChaosTransport(network.endpoint(0), seed, options, null);
            final ChaosTransport sender1 = new ChaosTransport(network.endpoint(1), seed, options, null);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
            int global = 0;
            for (int seq = 0; seq < perSender; seq++)
            {
                // Alternate the two senders, so without chaos node 2 would see the global order exactly.
                for (final ChaosTransport sender : new ChaosTransport[] {sender0, sender1})
                {
                    message.putInt(0, sender.rank());
                    message.putInt(4, seq);
                    message.putInt(8, global++);
                    sender.send(2, message, 0, MESSAGE_LENGTH);
                }
                if (seq % 20 == 0)
                {
                    Thread.sleep(1); // spread sends over time so delays matter
                }
            }
            sender0.close();
            sender1.close();
            assertEquals(perSender, sender0.delivered());
            assertEquals(perSender, sender1.delivered());

            final int[] nextSeq = new int[2];
            for (final int[] m : received)
            {
                assertEquals(nextSeq[m[0]]++, m[1], "FIFO from node " + m[0] + " to node 2");
            }
            assertEquals(perSender, nextSeq[0]);
            assertEquals(perSender, nextSeq[1]);
            long inversions = 0;
            for (int i = 0; i < received.size(); i++)
            {
                for (int j = i + 1; j < received.size(); j++)
                {
                    if (received.get(i)[2] > received.get(j)[2])
                    {
                        inversions++;
                    }
                }
            }
            assertTrue(inversions > 0, "a message of one pair overtook an earlier one of the other pair");
        });
    }

    @Test
    void closeDeliversWhatIsQueuedStopsItsThreadAndClosesTheDelegate()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
        {
            final FakeNetwork network = new FakeNetwork(2);
            final List<Integer> received = new ArrayList<>();
            network.endpoint(1).messageHandler((from, buffer, offset, length) ->
            {
                synchronized (received)
                {
                    received.add(buffer.getInt(offset + 4));
                }
            });
            // Delays far longer than the test: only close's flush can deliver these in time.
            final ChaosTransport chaos = new ChaosTransport(network.endpoint(0), 7,
                new ChaosTransport.Options(10_000_000, 0, 0, 0, 0), null);
            final Thread thread = findThread("chaos-r0");
            assertTrue(thread != null && thread.isDaemon(), "named daemon delivery thread");
            final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_LENGTH]);
            for (int seq = 0; seq < 50; seq++)
            {
                message.putInt(4, seq);
                chaos.send(1, message, 0, MESSAGE_LENGTH);
            }
            final long start = System.nanoTime();
            chaos.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close does not wait out delays");
            assertTrue(chaos.isStopped());
            assertFalse(thread.isAlive());
            assertTrue(network.endpoint(0).closed);
            synchronized (received)
            {
                assertEquals(50, received.size());
                for (int seq = 0; seq < 50; seq++)
                {
                    assertEquals(seq, received.get(seq));
                }
            }
            assertThrows(IllegalStateException.class, () -> chaos.send(1, message, 0, MESSAGE_LENGTH));
        });
    }

    private static Thread findThread(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(name) && t.isAlive()).findFirst().orElse(null);
    }

    /** Nodes in one JVM whose sends call the receiver's handler on the sender's thread. */
    private static final class FakeNetwork
    {
        private final Endpoint[] endpoints;

        FakeNetwork(final int nodes)
        {
            endpoints = new Endpoint[nodes];
            for (int i = 0; i < nodes; i++)
            {
                endpoints[i] = new Endpoint(this, i, nodes);
            }
        }

        Endpoint endpoint(final int rank)
        {
            return endpoints[rank];
        }
    }

    private static final class Endpoint implements Transport
    {
        private final FakeNetwork network;
        private final int rank;
        private final int nodes;
        private volatile MessageHandler handler = (from, buffer, offset, length) -> { };
        private volatile boolean closed;

        Endpoint(final FakeNetwork network, final int rank, final int nodes)
        {
            this.network = network;
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
            return "fake";
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
        }

        @Override
        public void messageHandler(final MessageHandler handler)
        {
            this.handler = handler;
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
            if (closed)
            {
                throw new IllegalStateException("closed");
            }
            network.endpoint(peer).handler.onMessage(rank, buffer, offset, length);
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
            closed = true;
        }
    }
}
