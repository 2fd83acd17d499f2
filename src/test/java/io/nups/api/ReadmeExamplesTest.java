package io.nups.api;

import io.nups.TestJvm;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * README's "Using the API" examples as they stand: each {@code ```java} block becomes the body of a main method
 * (with the imports a reader would add), is compiled against the test class path and runs in its own JVM in a
 * fresh directory, because the examples write relative paths ({@code profile}) and the cluster example reads its
 * cluster from the process environment. That one runs as README says, the same program on every node under
 * {@code scripts/nups-local -n 2}, and must really form two nodes. A block passes when every JVM exits with 0;
 * the examples' output is printed, their logs only on failure. The wrapper keeps README's line numbers, so a
 * compile error names the README line.
 */
class ReadmeExamplesTest
{
    private static final Path README = Path.of("README.md");
    private static final Path NUPS_LOCAL = Path.of("scripts", "nups-local").toAbsolutePath();
    private static final String SECTION = "## Using the API";
    private static final String MAIN_CLASS = "Example";
    private static final String HEADER = "import io.nups.api.*; import io.nups.sample.*; import io.nups.cluster.*; " +
        "import io.nups.manage.HotKeys; import io.nups.manage.ReplicationOptions; import java.nio.file.*; " +
        "import java.time.Duration; import java.util.*; " +
        "class " + MAIN_CLASS + " { public static void main(String[] args) throws Exception {";
    private static final Duration BOUND = Duration.ofSeconds(150);
    private static final long RUN_SECONDS = 120;
    private static final int NODES = 2;

    @TempDir
    Path dir;

    /** A {@code ```java} block of README: its code and the README line of its first line. */
    private record Block(int line, String code)
    {
        boolean usesCluster()
        {
            return code.contains(".clusterFromEnvironment()");
        }

        @Override
        public String toString()
        {
            return "README.md:" + line + " " + code.lines().findFirst().orElse("").strip();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfUsingTheApiCompilesAndRuns() throws Exception
    {
        final List<Block> blocks = blocks(Files.readAllLines(README, StandardCharsets.UTF_8));
        assertFalse(blocks.isEmpty(), "no ```java block in README's section '" + SECTION + "'");
        return blocks.stream().map(block -> dynamicTest(block.toString(),
            () -> assertTimeoutPreemptively(BOUND, () -> compileAndRun(block, dir.resolve("line" + block.line())),
                block + " did not end within " + BOUND.toSeconds() + " s")));
    }

    private static List<Block> blocks(final List<String> lines)
    {
        final List<Block> blocks = new ArrayList<>();
        int i = lines.indexOf(SECTION);
        assertTrue(i >= 0, "README has no section '" + SECTION + "'");
        for (i++; i < lines.size() && !lines.get(i).startsWith("## "); i++)
        {
            if (lines.get(i).strip().equals("```java"))
            {
                final int first = i + 1;
                for (i = first; i < lines.size() && !lines.get(i).strip().equals("```"); i++)
                {
                }
                blocks.add(new Block(first + 1, String.join("\n", lines.subList(first, i))));
            }
        }
        return blocks;
    }

    private static void compileAndRun(final Block block, final Path work) throws Exception
    {
        final Path classes = Files.createDirectories(work.resolve("classes"));
        compile(block, work.resolve("README.java"), classes);
        final List<String> java = TestJvm.command(classes + File.pathSeparator + TestJvm.classPath());
        final List<String> command = new ArrayList<>();
        final ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
            .redirectOutput(work.resolve("out.txt").toFile()).redirectError(work.resolve("err.txt").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("NUPS_") || name.startsWith("SLURM_"));
        if (block.usesCluster())
        {
            command.addAll(List.of("bash", NUPS_LOCAL.toString(), "-n", "" + NODES, "--", MAIN_CLASS));
            builder.environment().put("NUPS_LOCAL_COMMAND", TestJvm.launcher(work.resolve("java.sh"), java).toString());
        }
        else
        {
            command.addAll(java);
            command.add(MAIN_CLASS);
        }
        final int exit = run(builder, block);
        final String out = Files.readString(work.resolve("out.txt"));
        final String err = Files.readString(work.resolve("err.txt"));
        System.out.print(out);
        assertEquals(0, exit, block + " failed:\n" + out + err);
        for (int rank = 0; block.usesCluster() && rank < NODES; rank++)
        {
            assertTrue(err.contains("node " + rank + ": transport "), block + ": node " + rank + " of " + NODES +
                " did not connect to the others:\n" + err);
        }
    }

    /** The block as the body of a main method, each code line on its README line number. */
    private static void compile(final Block block, final Path source, final Path classes) throws Exception
    {
        Files.writeString(source, HEADER + "\n".repeat(block.line() - 1) + block.code() + "\n}}\n");
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertNotNull(compiler, "no system Java compiler (a JRE instead of a JDK?)");
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int result = compiler.run(null, diagnostics, diagnostics, "-proc:none", "-d", classes.toString(),
            "-cp", TestJvm.classPath(), source.toString());
        assertEquals(0, result, block + " does not compile (README.java:N is README.md:N):\n" + diagnostics);
    }

    /** Runs the process to its end within RUN_SECONDS; it and its children are stopped in any case. */
    private static int run(final ProcessBuilder builder, final Block block) throws Exception
    {
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(RUN_SECONDS, TimeUnit.SECONDS),
                block + " still runs after " + RUN_SECONDS + " s");
            return process.exitValue();
        }
        finally
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
