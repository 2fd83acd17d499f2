package io.nups.cluster;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@code native-setup/install} in every way that changes nothing on this host: dry runs, argument and
 * source tree checks, the load check of a library that is not libdisni, and the package step against stub
 * package managers on a PATH that holds nothing else, so the real apt-get or dnf is never reached.
 */
@Timeout(120)
class NativeSetupInstallTest
{
    private static final Path SCRIPT = Path.of("native-setup", "install").toAbsolutePath();
    private static final String DEBIAN_PACKAGES = "rdma-core ibverbs-utils libibverbs-dev librdmacm-dev " +
        "autoconf automake libtool make gcc g++ openjdk-17-jdk-headless";
    private static final String RHEL_PACKAGES = "rdma-core rdma-core-devel libibverbs-utils librdmacm-utils " +
        "autoconf automake libtool make gcc gcc-c++ java-17-openjdk-devel";
    /** The tools the script runs before it reaches the package manager; a stub PATH holds only these. */
    private static final List<String> TOOLS = List.of("bash", "dirname", "realpath", "sed", "head", "grep", "tr");

    private static String pinned;

    @TempDir
    Path dir;

    @BeforeAll
    static void readPinnedVersion() throws IOException
    {
        final Matcher version = Pattern.compile("<disni\\.version>([^<]+)</disni\\.version>")
            .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(version.find(), "pom.xml has no disni.version");
        pinned = version.group(1);
    }

    @Test
    void helpPrintsUsage() throws Exception
    {
        final ScriptRun run = run(Map.of(), "--help");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("usage: native-setup/install [--dry-run]"), run.out());
        assertTrue(run.out().contains("--disni-src DIR") && run.out().contains("--prefix DIR"), run.out());
    }

    @Test
    void dryRunListsTheDebianPackages() throws Exception
    {
        final ScriptRun run = run(Map.of(), "--dry-run", "--os", "debian");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("install: packages (debian): " + DEBIAN_PACKAGES + "\n"), run.out());
        assertTrue(run.out().contains("would run: apt-get update\ninstall: would run: apt-get install -y " +
            DEBIAN_PACKAGES + "\n"), run.out());
        assertTrue(run.out().contains("libdisni not built: pass --disni-src DIR, a DiSNI " + pinned), run.out());
    }

    @Test
    void dryRunListsTheRhelPackages() throws Exception
    {
        final ScriptRun run = run(Map.of(), "--dry-run", "--os", "rhel");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("install: packages (rhel): " + RHEL_PACKAGES + "\n"), run.out());
        assertTrue(Pattern.compile("would run: (dnf|yum) install -y " + Pattern.quote(RHEL_PACKAGES) + "\n")
            .matcher(run.out()).find(), run.out());
        assertFalse(run.out().contains("apt-get"), run.out());
    }

    @Test
    void dryRunWithASourceTreeShowsDiSNIsBuildAndTheCheck() throws Exception
    {
        final Path tree = disniTree(pinned);
        final Path prefix = dir.resolve("prefix");
        final String jdk = System.getProperty("java.home");
        final ScriptRun run = run(Map.of("JAVA_HOME", jdk),
            "--dry-run", "--skip-packages", "--disni-src", tree.toString(), "--prefix", prefix.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("would run: cd " + tree + "/libdisni && ./autoprepare.sh && ./configure " +
            "--with-jdk=" + jdk + " --prefix=" + prefix + " && make && make install\n"), run.out());
        assertTrue(run.out().contains("would check that " + prefix + "/lib/libdisni.so loads"), run.out());
        assertFalse(Files.exists(prefix), "a dry run created " + prefix);
    }

    @Test
    void badArgumentsAreNamed() throws Exception
    {
        final ScriptRun unknown = run(Map.of(), "--dry-run", "--bogus");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("install: error: unknown option '--bogus'"), unknown.err());

        final ScriptRun os = run(Map.of(), "--dry-run", "--os", "suse");
        assertEquals(2, os.exit());
        assertTrue(os.err().contains("--os must be debian or rhel, got 'suse'"), os.err());

        final ScriptRun noValue = run(Map.of(), "--dry-run", "--disni-src");
        assertEquals(2, noValue.exit());
        assertTrue(noValue.err().contains("--disni-src needs a value"), noValue.err());
    }

    @Test
    void aMissingOrForeignSourceTreeIsRefusedWithTheFix() throws Exception
    {
        final Path missing = dir.resolve("no-such-disni");
        final ScriptRun absent = run(Map.of(), "--dry-run", "--disni-src", missing.toString());
        assertEquals(1, absent.exit());
        assertTrue(absent.err().contains("install: error: --disni-src " + missing + " is not a directory"),
            absent.err());
        assertTrue(absent.err().contains("install: fix: clone it: git clone https://github.com/zrlio/disni"),
            absent.err());

        final Path other = Files.createDirectories(dir.resolve("other"));
        final ScriptRun foreign = run(Map.of(), "--dry-run", "--disni-src", other.toString());
        assertEquals(1, foreign.exit());
        assertTrue(foreign.err().contains(other + " is not a DiSNI source tree (no libdisni/autoprepare.sh"),
            foreign.err());
        assertTrue(foreign.err().contains("install: fix: pass the top directory of a DiSNI checkout"), foreign.err());
        assertFalse(foreign.out().contains("would run"), "it went on after the refusal: " + foreign.out());
    }

    @Test
    void aSourceTreeOfAnotherVersionIsRefusedNamingBoth() throws Exception
    {
        final Path tree = disniTree("0.9-other");
        final ScriptRun run = run(Map.of(), "--dry-run", "--disni-src", tree.toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("DiSNI source tree " + tree + " is version 0.9-other, but nups pins " +
            "disni.version " + pinned + " (pom.xml)"), run.err());
        assertTrue(run.err().contains("install: fix: check out DiSNI " + pinned + " in " + tree), run.err());
    }

    @Test
    void aJavaHomeThatIsNoJdkIsRefused() throws Exception
    {
        final ScriptRun run = run(Map.of("JAVA_HOME", dir.toString()),
            "--dry-run", "--disni-src", disniTree(pinned).toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("JAVA_HOME=" + dir + " is not a JDK (no include/jni.h or bin/java)"),
            run.err());
        assertTrue(run.err().contains("install: fix: export JAVA_HOME to a JDK 17 home"), run.err());
    }

    @Test
    void noJavaHomeAndNoJavacIsNamed() throws Exception
    {
        final Map<String, String> env = stubPath(Map.of());
        env.put("JAVA_HOME", null);
        final ScriptRun run = run(env, "--skip-packages", "--disni-src", disniTree(pinned).toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("install: error: no JAVA_HOME and no javac on PATH"), run.err());
        assertTrue(run.err().contains("export JAVA_HOME to a JDK 17 home"), run.err());
    }

    @Test
    void theLoadCheckNamesALibraryThatIsMissingOrNotLibdisni() throws Exception
    {
        final Path prefix = dir.resolve("prefix");
        final ScriptRun missing = run(Map.of(), "--verify-only", "--prefix", prefix.toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("install: error: no " + prefix + "/lib/libdisni.so"), missing.err());

        final Path library = Files.createDirectories(prefix.resolve("lib")).resolve("libdisni.so");
        Files.writeString(library, "not a shared object");
        final ScriptRun broken = run(Map.of(), "--verify-only", "--prefix", prefix.toString());
        assertEquals(1, broken.exit());
        assertTrue(broken.err().contains("LibdisniCheck: java.lang.UnsatisfiedLinkError"), broken.err());
        assertTrue(broken.err().contains("install: error: " + library + " does not load into the JVM"),
            broken.err());
    }

    @Test
    void packagesGoThroughSudoWhenNotRoot() throws Exception
    {
        final Path record = dir.resolve("record.txt");
        final ScriptRun run = run(stubPath(Map.of(
            "id", "echo 1000",
            "sudo", "printf 'sudo ' >>'" + record + "'; exec \"$@\"",
            "apt-get", "echo \"apt-get $*\" >>'" + record + "'")), "--os", "debian");
        assertEquals(0, run.exit(), run.err());
        assertEquals("sudo apt-get update\nsudo apt-get install -y " + DEBIAN_PACKAGES + "\n",
            Files.readString(record));
    }

    @Test
    void noRootAndNoSudoIsNamedBeforeAnyInstall() throws Exception
    {
        final Path record = dir.resolve("record.txt");
        final ScriptRun run = run(stubPath(Map.of(
            "id", "echo 1000",
            "apt-get", "echo \"apt-get $*\" >>'" + record + "'")), "--os", "debian");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("install: error: installing packages needs root, and this is not root and " +
            "has no sudo"), run.err());
        assertTrue(run.err().contains("install: fix: run it as root"), run.err());
        assertFalse(Files.exists(record), "apt-get ran without root");
    }

    @Test
    void aMissingPackageManagerIsNamed() throws Exception
    {
        final ScriptRun run = run(stubPath(Map.of()), "--os", "rhel");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("install: error: neither dnf nor yum on PATH, but the OS family is rhel"),
            run.err());
        assertTrue(run.err().contains("install: fix: pass --os debian on a Debian-family host"), run.err());
    }

    /** A DiSNI-like source tree whose pom.xml has the given project version and a parent of another. */
    private Path disniTree(final String version) throws IOException
    {
        final Path tree = Files.createDirectories(dir.resolve("disni-" + version));
        Files.createDirectories(tree.resolve("libdisni"));
        Files.writeString(tree.resolve("libdisni").resolve("autoprepare.sh"), "exit 1\n");
        Files.writeString(tree.resolve("pom.xml"), String.join("\n",
            "<project>",
            "  <parent>",
            "    <groupId>org.example</groupId>",
            "    <version>" + pinned + "-parent</version>",
            "  </parent>",
            "  <groupId>com.ibm.disni</groupId>",
            "  <artifactId>disni</artifactId>",
            "  <packaging>jar</packaging>",
            "  <version>" + version + "</version>",
            "</project>\n"));
        return tree;
    }

    /**
     * An environment whose PATH is one directory holding the script's TOOLS and the given stubs (name to
     * shell body), so no real package manager, sudo or javac can run.
     */
    private Map<String, String> stubPath(final Map<String, String> stubs) throws IOException
    {
        final Path bin = Files.createDirectories(dir.resolve("bin"));
        for (final String tool : TOOLS)
        {
            final Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream()
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("no " + tool + " in /usr/bin or /bin"));
            Files.createSymbolicLink(bin.resolve(tool), real.toRealPath());
        }
        for (final Map.Entry<String, String> stub : stubs.entrySet())
        {
            final Path file = bin.resolve(stub.getKey());
            Files.writeString(file, "#!" + bin.resolve("bash") + "\n" + stub.getValue() + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        }
        final Map<String, String> env = new HashMap<>();
        env.put("PATH", bin.toString());
        return env;
    }

    private ScriptRun run(final Map<String, String> env, final String... args) throws Exception
    {
        return ScriptRun.run(SCRIPT, dir, env, args);
    }
}
