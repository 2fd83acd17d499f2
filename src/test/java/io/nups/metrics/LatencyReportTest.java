package io.nups.metrics;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyReportTest
{
    /** Every report here is labelled with this prefix, so leak checks ignore other tests' nodes. */
    private static final String LABEL = "mt-";
    private static final String THREAD_PREFIX = "nups-metrics-" + LABEL;
    private static final long BOUND_MILLIS = 10_000;

    @TempDir
    Path dir;

    @AfterEach
    void noMetricsThreadOutlivesItsReport()
    {
        assertEquals(List.of(), metricsThreads(), "leaked interval log threads");
    }

    @Test
    void snapshotAccumulatesWithoutDoubleCounting()
    {
        try (LatencyReport report = new LatencyReport(LABEL + "snapshot"))
        {
            final OpRecorder recorder = new OpRecorder(1);
            report.register(recorder);

            recordTimes(recorder, OpKind.LOCAL_PULL, 10, 1_000);
            assertEquals(10, report.snapshot(OpKind.LOCAL_PULL).getTotalCount());

            recordTimes(recorder, OpKind.LOCAL_PULL, 5, 1_000);
            recordTimes(recorder, OpKind.LOCAL_SET, 3, 1_000);
            assertEquals(15, report.snapshot(OpKind.LOCAL_PULL).getTotalCount());
            assertEquals(15, report.snapshot(OpKind.LOCAL_PULL).getTotalCount(), "a repeated snapshot adds nothing");
            assertEquals(3, report.snapshot(OpKind.LOCAL_SET).getTotalCount());
            assertEquals(15, report.snapshot(OpKind.LOCAL_PULL).getTotalCount());

            final OpRecorder late = new OpRecorder(1);
            report.register(late);
            recordTimes(late, OpKind.LOCAL_PULL, 7, 1_000);
            assertEquals(22, report.snapshot(OpKind.LOCAL_PULL).getTotalCount(), "a recorder registered later counts");
        }
    }

    @Test
    void snapshotIsTheCallersCopy()
    {
        try (LatencyReport report = new LatencyReport(LABEL + "copy"))
        {
            final OpRecorder recorder = new OpRecorder(1);
            report.register(recorder);
            recordTimes(recorder, OpKind.SAMPLE, 4, 500);

            report.snapshot(OpKind.SAMPLE).recordValue(1);
            assertEquals(4, report.snapshot(OpKind.SAMPLE).getTotalCount());
        }
    }

    @Test
    void rejectsARecorderRegisteredTwice()
    {
        try (LatencyReport report = new LatencyReport(LABEL + "twice"))
        {
            final OpRecorder recorder = new OpRecorder(1);
            report.register(recorder);
            assertThrows(IllegalArgumentException.class, () -> report.register(recorder));
        }
    }

    @Test
    void countsFromSeveralThreadsEachWithItsOwnRecorder() throws InterruptedException
    {
        final int threads = 4;
        final int calls = 40_000;
        final int sampleEvery = 4;
        try (LatencyReport report = new LatencyReport(LABEL + "threads"))
        {
            final CountDownLatch registered = new CountDownLatch(threads);
            final CountDownLatch go = new CountDownLatch(1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() ->
                {
                    try
                    {
                        final OpRecorder recorder = new OpRecorder(sampleEvery);
                        report.register(recorder);
                        registered.countDown();
                        assertTrue(go.await(BOUND_MILLIS, TimeUnit.MILLISECONDS));
                        for (int i = 0; i < calls; i++)
                        {
                            final OpKind kind = i % 2 == 0 ? OpKind.LOCAL_PULL : OpKind.REMOTE_PUSH;
                            final long start = recorder.shouldTime(kind) ? System.nanoTime() : 0;
                            if (start != 0)
                            {
                                recorder.record(kind, System.nanoTime() - start);
                            }
                            recorder.countKeys(kind, 3);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "metrics-test-worker-" + t);
                workers[t].start();
            }
            assertTrue(registered.await(BOUND_MILLIS, TimeUnit.MILLISECONDS));
            go.countDown();
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
            while (isAnyAlive(workers) && System.nanoTime() < deadline)
            {
                report.snapshot(OpKind.LOCAL_PULL); // drain while the workers record
                report.summaryTable();
                Thread.sleep(1);
            }
            for (final Thread worker : workers)
            {
                worker.join(BOUND_MILLIS);
                assertFalse(worker.isAlive());
            }
            assertNull(failure.get());

            final long perKind = (long)threads * calls / 2;
            assertEquals(perKind / sampleEvery, report.snapshot(OpKind.LOCAL_PULL).getTotalCount());
            assertEquals(perKind / sampleEvery, report.snapshot(OpKind.REMOTE_PUSH).getTotalCount());
            final Map<String, String[]> rows = summaryRows(report.summaryTable());
            assertEquals(Set.of("local_pull", "remote_push"), rows.keySet());
            assertEquals(Long.toString(perKind), rows.get("local_pull")[1]);
            assertEquals(Long.toString(perKind * 3), rows.get("local_pull")[2]);
            assertEquals(Long.toString(perKind), rows.get("remote_push")[1]);
        }
    }

    @Test
    void intervalLogReadsBackAsTheRecordedCountsPerTag() throws IOException, InterruptedException
    {
        final LatencyReport report = new LatencyReport(LABEL + "hlog");
        try
        {
            final OpRecorder recorder = new OpRecorder(1);
            report.register(recorder);
            recordTimes(recorder, OpKind.LOCALIZE, 9, 1_000); // before the log: totals only

            final Path hlog = dir.resolve("nups-mt.hlog");
            report.startIntervalLog(hlog, 10);
            recordTimes(recorder, OpKind.LOCAL_PULL, 100, 2_000);
            awaitFileContains(hlog, "Tag=local_pull,");
            recordTimes(recorder, OpKind.LOCAL_PULL, 20, 3_000);
            recordTimes(recorder, OpKind.REMOTE_SET, 50, 40_000);
            assertEquals(170, report.snapshot(OpKind.LOCAL_PULL).getTotalCount() +
                report.snapshot(OpKind.REMOTE_SET).getTotalCount(),
                "snapshots between intervals lose nothing from the log");
            recordTimes(recorder, OpKind.REMOTE_SET, 5, 40_000);
            report.close();

            final String text = Files.readString(hlog, StandardCharsets.US_ASCII);
            assertTrue(text.contains("nanoseconds"), text);
            assertTrue(text.contains("#[StartTime: "), text);
            assertTrue(text.contains("#[BaseTime: "), text);
            assertTrue(text.contains("\"StartTimestamp\""), "legend missing: " + text);

            final Map<String, Long> counts = new TreeMap<>();
            final Map<String, Integer> intervals = new HashMap<>();
            try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile()))
            {
                EncodableHistogram interval;
                while ((interval = reader.nextIntervalHistogram()) != null)
                {
                    final Histogram histogram = (Histogram)interval;
                    assertTrue(histogram.getTotalCount() > 0, "empty interval written for " + histogram.getTag());
                    assertTrue(histogram.getEndTimeStamp() >= histogram.getStartTimeStamp());
                    counts.merge(histogram.getTag(), histogram.getTotalCount(), Long::sum);
                    intervals.merge(histogram.getTag(), 1, Integer::sum);
                }
            }
            assertEquals(Map.of("local_pull", 120L, "remote_set", 55L), counts);
            assertTrue(intervals.get("local_pull") >= 2, "local_pull logged in one interval only: " + text);
            assertEquals(9, report.snapshot(OpKind.LOCALIZE).getTotalCount());
        }
        finally
        {
            report.close();
        }
    }

    @Test
    void intervalLogThreadIsANamedDaemonAndEndsOnClose()
    {
        final LatencyReport report = new LatencyReport(LABEL + "thread");
        try
        {
            report.register(new OpRecorder(1));
            report.startIntervalLog(dir.resolve("thread.hlog"), 1_000);

            final Optional<Thread> agent = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("nups-metrics-" + LABEL + "thread")).findFirst();
            assertTrue(agent.isPresent(), "no thread named nups-metrics-" + LABEL + "thread");
            assertTrue(agent.get().isDaemon());

            final long start = System.nanoTime();
            report.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "close waited for the interval");
            assertFalse(agent.get().isAlive());
            assertEquals(List.of(), metricsThreads());
        }
        finally
        {
            report.close();
        }
    }

    @Test
    void rejectsASecondLogAndAnEmptyInterval()
    {
        try (LatencyReport report = new LatencyReport(LABEL + "second"))
        {
            assertThrows(IllegalArgumentException.class, () -> report.startIntervalLog(dir.resolve("zero.hlog"), 0));
            report.startIntervalLog(dir.resolve("first.hlog"), 1_000);
            assertThrows(IllegalStateException.class, () -> report.startIntervalLog(dir.resolve("second.hlog"), 1_000));
        }
    }

    @Test
    void writesOneParseablePercentileFilePerKindWithValues() throws IOException
    {
        try (LatencyReport report = new LatencyReport(LABEL + "hgrm"))
        {
            final OpRecorder recorder = new OpRecorder(1);
            report.register(recorder);
            recordTimes(recorder, OpKind.LOCAL_PUSH, 1_000, 1_000_000);
            recordTimes(recorder, OpKind.TRANSFER, 10, 2_000);
            recorder.countKeys(OpKind.LOCAL_SET, 5);

            report.writePercentiles(dir, "nups-r0");

            try (Stream<Path> files = Files.list(dir))
            {
                assertEquals(Set.of("nups-r0.local_push.hgrm", "nups-r0.transfer.hgrm"),
                    files.map(file -> file.getFileName().toString()).collect(Collectors.toSet()));
            }
            assertPercentiles(dir.resolve("nups-r0.local_push.hgrm"), 1_000, 1_000.0);
            assertPercentiles(dir.resolve("nups-r0.transfer.hgrm"), 10, 2.0);
        }
    }

    @Test
    void summaryHasOneAlignedRowPerKindWithOperations()
    {
        try (LatencyReport report = new LatencyReport(LABEL + "summary"))
        {
            final OpRecorder recorder = new OpRecorder(2);
            report.register(recorder);
            for (int i = 0; i < 10; i++)
            {
                if (recorder.shouldTime(OpKind.LOCAL_PULL))
                {
                    recorder.record(OpKind.LOCAL_PULL, 1_500);
                }
                recorder.countKeys(OpKind.LOCAL_PULL, 4);
            }
            recorder.shouldTime(OpKind.REMOTE_PULL);
            recorder.record(OpKind.REMOTE_PULL, 250_000_000);
            recorder.record(OpKind.BARRIER, 2_000);

            final String summary = report.summaryTable();
            final Map<String, String[]> rows = summaryRows(summary);
            assertEquals(Set.of("local_pull", "remote_pull", "barrier"), rows.keySet(), summary);
            assertEquals(List.of("local_pull", "10", "40", "1.50", "1.50", "1.50", "1.50", "1.50", "1.50"),
                List.of(rows.get("local_pull")), summary);
            assertEquals("1", rows.get("remote_pull")[1]);
            assertEquals(250_000.0, Double.parseDouble(rows.get("remote_pull")[3]), 250.0, summary);
            assertEquals("0", rows.get("barrier")[1], "recorded without shouldTime: no operations counted");

            final List<String> lines = summary.lines().skip(1).collect(Collectors.toList());
            assertEquals(4, lines.size(), summary);
            assertTrue(lines.get(0).startsWith("kind"), summary);
            assertTrue(lines.stream().allMatch(line -> line.length() == lines.get(0).length()),
                "unaligned:\n" + summary);
        }
    }

    @Test
    void staysReadableAfterClose() throws IOException
    {
        final LatencyReport report = new LatencyReport(LABEL + "closed");
        try
        {
            final OpRecorder recorder = new OpRecorder(1);
            report.register(recorder);
            report.startIntervalLog(dir.resolve("closed.hlog"), 1_000);
            recordTimes(recorder, OpKind.SYNC_ROUND, 3, 10_000);
            report.close();
            report.close();

            recordTimes(recorder, OpKind.SYNC_ROUND, 2, 10_000);
            assertEquals(5, report.snapshot(OpKind.SYNC_ROUND).getTotalCount());
            assertTrue(summaryRows(report.summaryTable()).containsKey("sync_round"));
            final Path out = Files.createDirectory(dir.resolve("after"));
            report.writePercentiles(out, "late");
            assertTrue(Files.exists(out.resolve("late.sync_round.hgrm")));
            assertThrows(IllegalStateException.class, () -> report.startIntervalLog(dir.resolve("again.hlog"), 1_000));
        }
        finally
        {
            report.close();
        }
    }

    private static void recordTimes(final OpRecorder recorder, final OpKind kind, final int times, final long nanos)
    {
        for (int i = 0; i < times; i++)
        {
            recorder.record(kind, nanos);
        }
    }

    private static Map<String, String[]> summaryRows(final String summary)
    {
        final Map<String, String[]> rows = new HashMap<>();
        summary.lines().skip(2).forEach(line ->
        {
            final String[] cells = line.trim().split("\\s+");
            assertEquals(9, cells.length, line);
            rows.put(cells[0], cells);
        });
        return rows;
    }

    private static void assertPercentiles(final Path file, final long count, final double micros) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.contains("#[Mean"), text);
        assertTrue(text.contains("#[Max"), text);
        assertTrue(text.contains("Percentile"), text);
        final List<String[]> lines = text.lines()
            .map(String::trim)
            .filter(line -> !line.isEmpty() && Character.isDigit(line.charAt(0)))
            .map(line -> line.split("\\s+"))
            .collect(Collectors.toList());
        assertTrue(lines.size() >= 2, text);
        assertEquals(1.0, Double.parseDouble(lines.get(lines.size() - 1)[1]), text);
        for (final String[] line : lines)
        {
            assertEquals(micros, Double.parseDouble(line[0]), micros * 0.001, "value not in microseconds: " + text);
            Double.parseDouble(line[1]);
        }
        assertEquals(count, Long.parseLong(lines.get(lines.size() - 1)[2]));
    }

    private static void awaitFileContains(final Path file, final String text) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        while (!Files.readString(file, StandardCharsets.US_ASCII).contains(text))
        {
            assertTrue(System.nanoTime() < deadline, "no " + text + " in " + file + " within " + BOUND_MILLIS + " ms");
            Thread.sleep(5);
        }
    }

    private static boolean isAnyAlive(final Thread[] threads)
    {
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                return true;
            }
        }
        return false;
    }

    private static List<String> metricsThreads()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(name -> name.startsWith(THREAD_PREFIX))
            .collect(Collectors.toList());
    }
}
