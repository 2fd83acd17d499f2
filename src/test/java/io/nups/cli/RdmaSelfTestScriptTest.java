package io.nups.cli;

import io.nups.TestJvm;
import io.nups.transport.rdma.RdmaProbe;
import io.nups.transport.rdma.RdmaStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * scripts/rdma-selftest here, where RDMA is not usable: it says so with the probe's first failure and exits 3, never
 * 0; it refuses bad addresses; and scripts/nups passes the libdisni directory on java.library.path.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RdmaSelfTestScriptTest
{
    private static final long BOUND_SECONDS = 60;

    @TempDir
    Path dir;

    private record Run(int exit, String out)
    {
    }

    @BeforeEach
    void copyScripts() throws Exception
    {
        final Path root = Path.of("").toAbsolutePath();
        for (final String file : List.of("scripts/nups", "scripts/jvm.options", "scripts/jvm-24.options",
            "scripts/rdma-selftest"))
        {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.copy(root.resolve(file), dir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createDirectories(dir.resolve("src/main"));
        TestJvm.launcherJar(dir.resolve("target/nups-0.1.0-SNAPSHOT.jar"), NupsCommand.class.getName());
    }

    @Test
    void onAHostWithoutRdmaItSaysWhySkippedAndExitsThree() throws Exception
    {
        final RdmaStatus status = RdmaProbe.status();
        assumeFalse(status.usable(), "RDMA is usable here: the script would run the suites");
        final Run run = run(Map.of(), "10.0.0.3");
        assertEquals(3, run.exit(), run.out());
        final String first = status.firstFailure().orElseThrow().name();
        assertTrue(run.out().contains("rdma-selftest: SKIPPED (exit 3): RDMA is not usable on this host: " + first),
            run.out());
        assertTrue(run.out().contains("RDMA is not usable here (first failure: " + first + ")."), run.out());
    }

    @Test
    void badAddressesAreUsageErrors() throws Exception
    {
        final Run none = run(Map.of());
        assertEquals(2, none.exit(), none.out());
        assertTrue(none.out().contains("usage: scripts/rdma-selftest ADDR"), none.out());
        final Run loopback = run(Map.of(), "127.0.0.1");
        assertEquals(2, loopback.exit(), loopback.out());
        assertTrue(loopback.out().contains("'127.0.0.1' is a loopback address, which DiSNI endpoints refuse"),
            loopback.out());
        final Run name = run(Map.of(), "ib0");
        assertTrue(name.exit() == 2 && name.out().contains("'ib0' is not an IPv4 address"), name.out());
    }

    @Test
    void scriptsNupsPutsTheLibdisniDirectoryOnTheLibraryPath() throws Exception
    {
        final Path lib = Files.createDirectories(dir.resolve("disni-lib"));
        final Run run = runNups(Map.of("NUPS_DISNI_LIB", lib.toString()), "doctor");
        // the probe's libdisni line shows the path: the directory first, then the JVM's default directories
        assertTrue(run.out().contains("java.library.path: " + lib + ":" + System.getProperty("java.library.path")) ||
            run.out().contains("java.library.path=" + lib + ":" + System.getProperty("java.library.path")), run.out());
        final Run missing = runNups(Map.of("NUPS_DISNI_LIB", lib.resolve("absent").toString()), "doctor");
        assertEquals(1, missing.exit(), missing.out());
        assertTrue(missing.out().contains("nups: error: NUPS_DISNI_LIB=" + lib.resolve("absent") + " is not a " +
            "directory"), missing.out());
    }

    private Run run(final Map<String, String> env, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("bash", dir.resolve("scripts/rdma-selftest").toString()));
        command.addAll(List.of(args));
        return execute(command, env);
    }

    private Run runNups(final Map<String, String> env, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("bash", dir.resolve("scripts/nups").toString()));
        command.addAll(List.of(args));
        return execute(command, env);
    }

    private Run execute(final List<String> command, final Map<String, String> env) throws Exception
    {
        final Path out = dir.resolve("out.txt");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().remove("NUPS_DISNI_LIB");
        builder.environment().putAll(env);
        final Process process = builder.start();
        if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + BOUND_SECONDS + " s:\n" +
                Files.readString(out));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
