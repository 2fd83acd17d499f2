package io.nups.metrics;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpRecorderTest
{
    @Test
    void timesExactlyOneOfEverySampleEveryCallsPerKind()
    {
        final OpRecorder recorder = new OpRecorder(8);
        int timedPulls = 0;
        int timedPushes = 0;
        for (int i = 0; i < 8_000; i++)
        {
            if (recorder.shouldTime(OpKind.LOCAL_PULL))
            {
                assertEquals(0, i % 8, "timed call " + i + " is not one of every 8");
                timedPulls++;
            }
            if (i % 2 == 0 && recorder.shouldTime(OpKind.LOCAL_PUSH))
            {
                timedPushes++;
            }
        }
        assertEquals(1_000, timedPulls);
        assertEquals(500, timedPushes, "each kind samples its own calls");
        assertEquals(8_000, recorder.operations(OpKind.LOCAL_PULL));
        assertEquals(4_000, recorder.operations(OpKind.LOCAL_PUSH));
        assertEquals(0, recorder.operations(OpKind.LOCAL_SET));
    }

    @Test
    void sampleEveryOneTimesEveryCall()
    {
        final OpRecorder recorder = new OpRecorder(1);
        for (int i = 0; i < 100; i++)
        {
            assertTrue(recorder.shouldTime(OpKind.REMOTE_PULL));
        }
        assertEquals(100, recorder.operations(OpKind.REMOTE_PULL));
    }

    @Test
    void rejectsSampleEveryThatIsNotAPowerOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new OpRecorder(0));
        assertThrows(IllegalArgumentException.class, () -> new OpRecorder(3));
        assertThrows(IllegalArgumentException.class, () -> new OpRecorder(-4));
        assertEquals(16, new OpRecorder(16).sampleEvery());
    }

    @Test
    void countsKeysPerKind()
    {
        final OpRecorder recorder = new OpRecorder(1);
        recorder.countKeys(OpKind.LOCAL_PULL, 3);
        recorder.countKeys(OpKind.LOCAL_PULL, 4);
        recorder.countKeys(OpKind.SAMPLE, 10);
        assertEquals(7, recorder.keys(OpKind.LOCAL_PULL));
        assertEquals(10, recorder.keys(OpKind.SAMPLE));
        assertEquals(0, recorder.keys(OpKind.LOCAL_PUSH));
        assertEquals(0, recorder.operations(OpKind.LOCAL_PULL), "keys are not operations");
    }

    @Test
    void intervalHistogramHandsOffEachValueOnce()
    {
        final OpRecorder recorder = new OpRecorder(1);
        recorder.record(OpKind.WAIT, 1_000);
        recorder.record(OpKind.WAIT, 2_000);
        recorder.record(OpKind.BARRIER, 5);

        final Histogram first = recorder.intervalHistogram(OpKind.WAIT, null);
        assertEquals(2, first.getTotalCount());
        assertEquals(2_000, first.getMaxValue(), 2);

        recorder.record(OpKind.WAIT, 3_000);
        final Histogram second = recorder.intervalHistogram(OpKind.WAIT, first);
        assertEquals(1, second.getTotalCount());
        assertEquals(0, recorder.intervalHistogram(OpKind.WAIT, second).getTotalCount());
        assertEquals(1, recorder.intervalHistogram(OpKind.BARRIER, null).getTotalCount());
    }

    @Test
    void clampsValuesOutsideTheTrackedRange()
    {
        final OpRecorder recorder = new OpRecorder(1);
        recorder.record(OpKind.SYNC_ROUND, -5);
        recorder.record(OpKind.SYNC_ROUND, TimeUnit.HOURS.toNanos(2));
        final Histogram histogram = recorder.intervalHistogram(OpKind.SYNC_ROUND, null);
        assertEquals(2, histogram.getTotalCount());
        assertEquals(0, histogram.getMinValue());
        assertTrue(histogram.valuesAreEquivalent(OpRecorder.HIGHEST_NANOS, histogram.getMaxValue()));
    }

    @Test
    void recordPathDoesNotAllocate()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assertTrue(bean instanceof com.sun.management.ThreadMXBean, "needs a HotSpot thread bean");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final long thread = Thread.currentThread().getId();
        final OpRecorder recorder = new OpRecorder(4);

        exercise(recorder, 10_000);
        final long before = threads.getThreadAllocatedBytes(thread);
        exercise(recorder, 200_000);
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertTrue(allocated < 16 * 1024, "record path allocated " + allocated + " bytes over 200000 calls");
        assertFalse(recorder.operations(OpKind.LOCAL_PULL) == 0);
    }

    private static void exercise(final OpRecorder recorder, final int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            final OpKind kind = OpKind.KINDS[i % OpKind.KINDS.length];
            if (recorder.shouldTime(kind))
            {
                recorder.record(kind, i);
            }
            recorder.countKeys(kind, 2);
        }
    }
}
