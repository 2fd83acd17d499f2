package io.nups.manage;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperationTableTest
{
    private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    @Test
    void operationCompletesOnceWhenItsLastKeyIsCounted()
    {
        final OperationTable table = new OperationTable("worker 0", 4);
        final float[] out = new float[3];
        final long h = table.begin(3, out, TIMEOUT);
        assertSame(out, table.output(h));
        table.complete(h, 2);
        assertFalse(table.isDone(h));
        table.complete(h, 1);
        assertTrue(table.isDone(h));
        table.await(h, TIMEOUT);
        final IllegalStateException extra = assertThrows(IllegalStateException.class, () -> table.complete(h, 1));
        assertTrue(extra.getMessage().contains("1 keys more"), extra.getMessage());
    }

    @Test
    void responsesFromOtherThreadsCompleteEveryOperationExactlyOnce() throws Exception
    {
        final OperationTable table = new OperationTable("worker 0", 8);
        final BlockingQueue<long[]> toResponders = new ArrayBlockingQueue<>(64);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] responders = new Thread[2];
        for (int r = 0; r < responders.length; r++)
        {
            responders[r] = new Thread(() ->
            {
                try
                {
                    while (true)
                    {
                        final long[] work = toResponders.poll(10, TimeUnit.SECONDS);
                        if (work == null || work[0] < 0)
                        {
                            return;
                        }
                        table.output(work[0])[(int)work[1]] = work[1] + 1;
                        table.complete(work[0], 1);
                    }
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            }, "responder-" + r);
            responders[r].start();
        }
        for (int op = 0; op < 5000; op++)
        {
            final float[] out = new float[4];
            final long h = table.begin(4, out, TIMEOUT);
            for (int k = 0; k < 4; k++)
            {
                toResponders.put(new long[]{h, k});
            }
            table.await(h, TIMEOUT);
            for (int k = 0; k < 4; k++)
            {
                assertEquals(k + 1, out[k], "value written before completion must be visible");
            }
        }
        toResponders.put(new long[]{-1});
        toResponders.put(new long[]{-1});
        for (final Thread t : responders)
        {
            t.join(10_000);
        }
        assertNull(failure.get());
    }

    @Test
    void aFullRingWaitsForTheOldestAndTimesOutWithAMessage()
    {
        final OperationTable table = new OperationTable("worker 3", 2);
        table.begin(1, null, TIMEOUT);
        table.begin(1, null, TIMEOUT);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> table.begin(1, null, TimeUnit.MILLISECONDS.toNanos(100)));
        assertTrue(ex.getMessage().contains("worker 3: operation 0 still waits for 1 keys"), ex.getMessage());
    }

    @Test
    void failedOperationsThrowAtTheirWaiter()
    {
        final OperationTable table = new OperationTable("worker 1", 4);
        final long a = table.begin(2, null, TIMEOUT);
        final long b = table.begin(2, null, TIMEOUT);
        table.fail(a, "node 2 lost");
        assertTrue(table.isDone(a));
        assertTrue(assertThrows(IllegalStateException.class, () -> table.await(a, TIMEOUT)).getMessage()
            .contains("failed: node 2 lost"));
        table.failAll("closing");
        assertTrue(table.isDone(b));
        assertTrue(assertThrows(IllegalStateException.class, () -> table.await(b, TIMEOUT)).getMessage()
            .contains("failed: closing"));
        assertThrows(IllegalStateException.class, () -> table.awaitAll(TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> table.await(7, TIMEOUT));
    }
}
