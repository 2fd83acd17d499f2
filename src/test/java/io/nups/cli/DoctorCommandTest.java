package io.nups.cli;

import io.nups.TestJvm;
import io.nups.transport.rdma.RdmaProbe;
import io.nups.transport.rdma.RdmaStatus;
import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nups doctor} in this JVM, in a JVM without the flags, and through scripts/nups and native-setup/check. */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DoctorCommandTest
{
    private static final long BOUND_SECONDS = 60;
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String CLASS_PATH = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));

    @TempDir
    Path dir;

    private record Run(int exit, String out)
    {
    }

    @Test
    void reportsEveryCheckWithItsFixAndTheExitCodeSaysWhetherRdmaIsUsable()
    {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = NupsCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        final int exit = commandLine.execute("doctor");
        final RdmaStatus status = RdmaProbe.status();
        assertEquals(status.usable() ? 0 : 1, exit, out.toString());
        assertReport(out.toString(), status);
        assertTrue(out.toString().contains("OK    JVM flags "), out.toString());
        // Here (no libdisni, no device) the status is unusable; on an RDMA host the same lines must say so.
        final String failure = status.firstFailure().map(Check::name).orElse("");
        assertTrue(out.toString().contains(status.usable() ? "OK    transport auto " :
            "WARN  transport auto shm when every node runs on this host, tcp otherwise; not rdma: " + failure +
                " failed"), out.toString());
        assertTrue(out.toString().endsWith((status.usable() ? "RDMA is usable here." :
            "RDMA is not usable here (first failure: " + failure + ").") + System.lineSeparator()), out.toString());
    }

    @Test
    void usableStatusExitsZeroAndSaysAutoPicksRdmaAcrossHosts()
    {
        final RdmaStatus usable = new RdmaStatus(List.of(new Check(Level.OK, "libdisni", "loaded", ""),
            new Check(Level.WARN, "locked memory", "soft limit 16 GiB", "raise it")));
        final StringWriter out = new StringWriter();
        assertEquals(0, DoctorCommand.report(usable, new PrintWriter(out)));
        assertEquals(String.join(System.lineSeparator(),
            "OK    libdisni       loaded",
            "WARN  locked memory  soft limit 16 GiB",
            "                     fix: raise it",
            "OK    transport auto shm when every node runs on this host, rdma otherwise (RDMA is usable here; " +
                "every node's address must be its RDMA interface's)",
            "RDMA is usable here.", ""), out.toString());
    }

    @Test
    void jvmWithoutTheArgumentFileFailsTheFlagsFirst() throws Exception
    {
        final Run run = run(List.of(JAVA, "-Xmx64m", "-cp", CLASS_PATH, NupsCommand.class.getName(), "doctor"));
        assertEquals(1, run.exit(), run.out());
        assertTrue(run.out().contains("FAIL  JVM flags      missing --add-exports=java.base/sun.nio.ch=ALL-UNNAMED"),
            run.out());
        assertTrue(run.out().contains("fix: start java with @scripts/jvm.options"), run.out());
        assertTrue(run.out().contains("RDMA is not usable here (first failure: JVM flags)."), run.out());
    }

    @Test
    void nativeSetupCheckRunsTheDoctorThroughScriptsNups() throws Exception
    {
        final Path root = Path.of("").toAbsolutePath();
        for (final String file : List.of("scripts/nups", "scripts/jvm.options", "scripts/jvm-24.options",
            "native-setup/check"))
        {
            Files.createDirectories(dir.resolve(file).getParent());
            Files.copy(root.resolve(file), dir.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        Files.createDirectories(dir.resolve("src/main"));
        TestJvm.launcherJar(dir.resolve("target/nups-0.1.0-SNAPSHOT.jar"), NupsCommand.class.getName());

        final Run run = run(List.of("bash", dir.resolve("native-setup/check").toString()));
        assertEquals(RdmaProbe.status().usable() ? 0 : 1, run.exit(), run.out());
        // scripts/nups passes the argument file, so the flags pass; the rest is this host's state, except that
        // scripts/nups puts /usr/local/lib (where native-setup/install puts libdisni) first on the library path.
        assertTrue(run.out().contains("OK    JVM flags "), run.out());
        assertReport(run.out(), new RdmaStatus(RdmaProbe.status().checks().stream()
            .filter(check -> !check.name().equals("libdisni")).toList()));
        final Check library = RdmaProbe.status().checks().stream().filter(check -> check.name().equals("libdisni"))
            .findFirst().orElseThrow();
        assertTrue(run.out().contains(String.format("%-5s %-14s ", library.level(), library.name())), run.out());

        final Run help = run(List.of("bash", dir.resolve("native-setup/check").toString(), "--help"));
        assertEquals(0, help.exit(), help.out());
        assertTrue(help.out().contains("Usage: nups doctor"), help.out());
    }

    /** Every check of {@code status} is on a line of its own with its level, and each fix follows it. */
    private static void assertReport(final String out, final RdmaStatus status)
    {
        for (final Check check : status.checks())
        {
            final String line = String.format("%-5s %-14s %s", check.level(), check.name(), check.detail());
            assertTrue(out.contains(line + System.lineSeparator() +
                (check.fix().isEmpty() ? "" : " ".repeat(21) + "fix: " + check.fix())), line + "\nin\n" + out);
        }
    }

    private Run run(final List<String> command) throws Exception
    {
        final Path out = dir.resolve("out.txt");
        final Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
            .redirectOutput(out.toFile()).start();
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
