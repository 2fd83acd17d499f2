package io.nups.transport;

import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shm doorbell: receivers here sleep up to 30 s per idle call, far beyond every wait of these tests, so
 * a message or stop that the bell fails to announce makes a test time out instead of passing late.
 */
class ShmDoorbellTest
{
    private static final long NEVER_MILLIS = TimeUnit.SECONDS.toMillis(30);
    private static final long AWAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ShmOptions OPTIONS = ShmOptions.DEFAULT.withRingCapacity(1 << 20)
        .withStartTimeout(Duration.ofSeconds(10)).withLivenessTimeout(Duration.ofMinutes(2));

    @TempDir
    Path runDirectory;

    private final List<ShmTransport> transports = new ArrayList<>();
    private final List<ConcurrentLinkedQueue<Long>> received = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[8]);

    @AfterEach
    void closeAll()
    {
        transports.forEach(ShmTransport::close);
        assertTrue(lost.isEmpty(), "peers reported lost: " + lost);
        TransportConformanceTest.assertNoTransportThreadsLeft();
    }

    @Test
    void sendWakesASleepingReceiverEachTimeItSleeps()
    {
        start(2);
        for (int round = 0; round < 5; round++)
        {
            awaitSleeping(1);
            send(0, 1, round);
            awaitReceived(1, round + 1);
            awaitSleeping(0);
            send(1, 0, round);
            awaitReceived(0, round + 1);
        }
    }

    @Test
    void noWakeUpIsLostWhileSendersRaceTheReceiverToSleep() throws Exception
    {
        final int perSender = 1000;
        start(3);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> senders = new ArrayList<>();
        for (final int from : new int[]{0, 2})
        {
            final Thread sender = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
                    for (int seq = 0; seq < perSender; seq++)
                    {
                        buffer.putLong(0, seq);
                        transports.get(from).send(1, buffer, 0, 8);
                        if (seq % 100 == 0)
                        {
                            awaitSleeping(1);
                        }
                        else if (seq % 3 == 0)
                        {
                            // pauses about as long as the receiver spins, so sends land on every side of its sleep
                            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000, 100_000));
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.compareAndSet(null, t);
                }
            }, "doorbell-sender-" + from);
            sender.start();
            senders.add(sender);
        }
        for (final Thread sender : senders)
        {
            sender.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(sender.isAlive(), sender.getName() + " did not finish");
        }
        assertNull(failure.get());
        awaitReceived(1, 2 * perSender);
    }

    @Test
    void interruptedSenderStillRingsAndKeepsItsInterrupt()
    {
        start(2);
        awaitSleeping(1);
        Thread.currentThread().interrupt();
        try
        {
            send(0, 1, 7);
        }
        finally
        {
            assertTrue(Thread.interrupted(), "the send cleared the caller's interrupt");
        }
        awaitReceived(1, 1);
        awaitSleeping(1);
        send(0, 1, 8);
        awaitReceived(1, 2);
    }

    @Test
    void stopEndsASleepAndLaterSleepsAtOnce() throws Exception
    {
        final UnsafeBuffer control = new UnsafeBuffer(ByteBuffer.allocateDirect(ShmControlDescriptor.LENGTH));
        final ManyToOneRingBuffer ring = newRing();
        final ShmBell bell = ShmBell.bind(runDirectory.resolve("r0.bell"), 1, control, ring);
        try
        {
            final Thread sleeper = sleepOnce(bell, "doorbell-sleeper");
            await(bell::sleeping, "the sleeper never slept");
            bell.stop();
            sleeper.join(TimeUnit.NANOSECONDS.toMillis(AWAIT_NANOS));
            assertFalse(sleeper.isAlive(), "stop did not end the sleep");
            final Thread late = sleepOnce(bell, "doorbell-late-sleeper");
            late.join(TimeUnit.NANOSECONDS.toMillis(AWAIT_NANOS));
            assertFalse(late.isAlive(), "a sleep after stop did not return at once");
            assertFalse(bell.sleeping(), "the sleeping word stayed set after waking");
        }
        finally
        {
            CloseHelper.close(bell);
        }
    }

    @Test
    void messageAlreadyInTheRingSkipsTheSleep() throws Exception
    {
        final UnsafeBuffer control = new UnsafeBuffer(ByteBuffer.allocateDirect(ShmControlDescriptor.LENGTH));
        final ManyToOneRingBuffer ring = newRing();
        assertTrue(ring.write(1, message, 0, 8));
        try (ShmBell bell = ShmBell.bind(runDirectory.resolve("r0.bell"), 1, control, ring))
        {
            final Thread sleeper = sleepOnce(bell, "doorbell-busy");
            sleeper.join(TimeUnit.NANOSECONDS.toMillis(AWAIT_NANOS));
            assertFalse(sleeper.isAlive(), "slept although the ring held a message");
        }
    }

    @Test
    void ringingAPeerThatIsGoneDoesNotFailTheSender()
    {
        final UnsafeBuffer control = new UnsafeBuffer(ByteBuffer.allocateDirect(ShmControlDescriptor.LENGTH));
        final Path path = runDirectory.resolve("r1.bell");
        final ShmBell bell = ShmBell.bind(path, 1, control, newRing());
        try (ShmBellRinger ringer = ShmBellRinger.connect(0, 1, path, control))
        {
            bell.close(); // the peer's process ends: its end of the connection closes
            for (int i = 0; i < 3; i++)
            {
                control.putIntVolatile(ShmControlDescriptor.SLEEPING_OFFSET, ShmControlDescriptor.SLEEPING);
                ringer.ring();
                assertFalse(bell.sleeping(), "the ring did not claim the sleep");
            }
        }
    }

    private void start(final int n)
    {
        for (int i = 0; i < n; i++)
        {
            final ConcurrentLinkedQueue<Long> inbox = new ConcurrentLinkedQueue<>();
            final ShmTransport t = new ShmTransport(i, n, runDirectory, OPTIONS, NEVER_MILLIS);
            t.messageHandler((from, buffer, offset, length) -> inbox.add(buffer.getLong(offset)));
            t.failureHandler((peer, reason) -> lost.add(reason));
            transports.add(t);
            received.add(inbox);
        }
        TransportConformanceTest.startAll(transports, List.of());
    }

    private void send(final int from, final int to, final long value)
    {
        message.putLong(0, value);
        transports.get(from).send(to, message, 0, 8);
    }

    private void awaitSleeping(final int node)
    {
        await(transports.get(node)::receiverSleeping, "node " + node + "'s receiver never slept");
    }

    private void awaitReceived(final int node, final int count)
    {
        await(() -> received.get(node).size() >= count, "node " + node + " received " + received.get(node).size() +
            " of " + count + " messages: a sleeping receiver was not woken");
    }

    private static void await(final BooleanSupplier condition, final String failure)
    {
        final long deadline = System.nanoTime() + AWAIT_NANOS;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, failure);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
    }

    private static Thread sleepOnce(final ShmBell bell, final String name)
    {
        final Thread thread = new Thread(() -> bell.sleep(NEVER_MILLIS), name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static ManyToOneRingBuffer newRing()
    {
        return new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(4096 + RingBufferDescriptor.TRAILER_LENGTH)));
    }
}
