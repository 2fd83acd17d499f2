package io.nups.perf;

import io.nups.apps.kge.DelFiles;
import io.nups.apps.kge.KgeDataset;
import io.nups.apps.kge.NamedTripleFiles;
import io.nups.apps.kge.ZipfGraph;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Time to read a knowledge graph of about 1M triples: the libkge {@code .del} reader ({@code readDel}), the
 * name-based reader with its id maps ({@code readNamed}, the same graph written as names), and the raw bytes of the
 * same {@code .del} files ({@code rawBytes}, {@link Files#readAllBytes}) as the I/O floor. {@code dir} is a
 * {@code gen_nups_synth.py kge} output (default {@code /tmp/kge_zipf}); if it has no {@code train.del}, the Java
 * generator writes its default-sized graph there first. Milliseconds per read of all three splits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
@State(Scope.Benchmark)
public class KgeReadBenchmark
{
    @Param("/tmp/kge_zipf")
    public String dir;

    private Path del;
    private Path named;

    @Setup
    public void setUp() throws IOException
    {
        del = Path.of(dir);
        if (!DelFiles.isLayoutOf(del))
        {
            ZipfGraph.write(ZipfGraph.generate(ZipfGraph.Spec.defaults()), del);
        }
        named = Files.createTempDirectory("kge-named");
        NamedTripleFiles.write(DelFiles.read(del), named);
    }

    @TearDown
    public void tearDown() throws IOException
    {
        for (final String split : new String[]{"train.txt", "valid.txt", "test.txt"})
        {
            Files.deleteIfExists(named.resolve(split));
        }
        Files.delete(named);
    }

    @Benchmark
    public KgeDataset readDel()
    {
        return DelFiles.read(del);
    }

    @Benchmark
    public KgeDataset readNamed()
    {
        return NamedTripleFiles.read(named);
    }

    @Benchmark
    public long rawBytes() throws IOException
    {
        long total = 0;
        for (final String split : new String[]{"train.del", "valid.del", "test.del"})
        {
            total += Files.readAllBytes(del.resolve(split)).length;
        }
        return total;
    }
}
