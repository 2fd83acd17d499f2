package io.nups.transport.rdma;

import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, once per JVM, everything the RDMA transport needs: the JVM flags DiSNI needs, DiSNI's native
 * library, an RDMA device with an active port, the locked-memory limit, and (for the record) huge pages.
 * Only reads files and loads the library: it opens no device, so it is safe on any host.
 */
public final class RdmaProbe
{
    /**
     * Packages DiSNI reaches into, as {@code module/package}: it reads direct buffer addresses through
     * {@code sun.nio.ch.DirectBuffer}. scripts/jvm.options carries the matching --add-exports.
     */
    static final List<String> EXPORTS_NEEDED = List.of("java.base/sun.nio.ch");
    static final String FLAGS = "JVM flags";
    static final String LIBRARY = "libdisni";
    private static final String LIBRARY_NAME = "disni";

    private final Path sys;
    private final Path proc;

    /** Probes the files of another root (tests fake /sys and /proc trees). */
    RdmaProbe(final Path sys, final Path proc)
    {
        this.sys = sys;
        this.proc = proc;
    }

    /** This host's status, probed on first use and cached for the life of the JVM. */
    public static RdmaStatus status()
    {
        return Host.STATUS;
    }

    RdmaStatus probe()
    {
        final List<Check> checks = new ArrayList<>();
        checks.add(jvmFlags());
        checks.add(library());
        checks.add(RdmaDevices.check(sys));
        checks.add(LockedMemory.check(proc.resolve("self").resolve("limits")));
        checks.add(HugePages.check(proc.resolve("meminfo")));
        return new RdmaStatus(checks);
    }

    private static Check jvmFlags()
    {
        final List<String> missing = new ArrayList<>();
        for (final String needed : EXPORTS_NEEDED)
        {
            final int slash = needed.indexOf('/');
            final Module module = ModuleLayer.boot().findModule(needed.substring(0, slash)).orElseThrow();
            if (!module.isExported(needed.substring(slash + 1), RdmaProbe.class.getModule()))
            {
                missing.add("--add-exports=" + needed + "=ALL-UNNAMED");
            }
        }
        if (missing.isEmpty())
        {
            return Check.ok(FLAGS, "DiSNI's exports present (" + String.join(", ", EXPORTS_NEEDED) + ")");
        }
        return new Check(Level.FAIL, FLAGS, "missing " + String.join(" ", missing),
            "start java with @scripts/jvm.options (scripts/nups and the jar's manifest do), or add " +
                String.join(" ", missing));
    }

    private static Check library()
    {
        final String path = System.getProperty("java.library.path");
        try
        {
            System.loadLibrary(LIBRARY_NAME);
            return Check.ok(LIBRARY, "loaded (java.library.path=" + path + ")");
        }
        catch (final UnsatisfiedLinkError ex)
        {
            final String message = String.valueOf(ex.getMessage());
            return new Check(Level.FAIL, LIBRARY, "not loadable: " + message +
                (message.contains(path) ? "" : " (java.library.path=" + path + ")"),
                "build and install it with native-setup/install (DiSNI's jar ships no native library), then " +
                    "put its lib directory on java.library.path (NUPS_JAVA_OPTS=-Djava.library.path=DIR) " +
                    "or LD_LIBRARY_PATH");
        }
    }

    /** Holder: the host is probed when first asked, once. */
    private static final class Host
    {
        static final RdmaStatus STATUS = new RdmaProbe(Path.of("/sys"), Path.of("/proc")).probe();
    }
}
