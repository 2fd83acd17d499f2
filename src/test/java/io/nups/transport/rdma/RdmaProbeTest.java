package io.nups.transport.rdma;

import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe against this host's real state and against fake /sys and /proc trees. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RdmaProbeTest
{
    @TempDir
    Path dir;

    @Test
    void probesOnceAndReportsEveryCheckInOrder()
    {
        assertSame(RdmaProbe.status(), RdmaProbe.status());
        final List<String> names = RdmaProbe.status().checks().stream().map(Check::name).toList();
        assertEquals(List.of(RdmaProbe.FLAGS, RdmaProbe.LIBRARY, RdmaDevices.NAME, LockedMemory.NAME,
            HugePages.NAME), names);
    }

    @Test
    void flagsFromTheArgumentFileArePresentAndMatchIt() throws IOException
    {
        // Surefire starts this JVM with @scripts/jvm.options, as scripts/nups does.
        assertEquals(Level.OK, check(RdmaProbe.status(), RdmaProbe.FLAGS).level());
        final List<String> options = Files.readAllLines(Path.of(System.getProperty("nups.jvm.options",
            "scripts/jvm.options")));
        for (final String needed : RdmaProbe.EXPORTS_NEEDED)
        {
            assertTrue(options.contains("--add-exports=" + needed + "=ALL-UNNAMED"), needed + " not in " + options);
        }
    }

    @Test
    void libraryStateMatchesWhatIsOnTheLibraryPath()
    {
        // Here libdisni is absent; on a host where native-setup installed it, the probe must load it.
        final String file = System.mapLibraryName("disni");
        final boolean installed = Arrays.stream(System.getProperty("java.library.path").split(File.pathSeparator))
            .anyMatch(d -> !d.isEmpty() && Files.isRegularFile(Path.of(d, file)));
        final Check library = check(new RdmaProbe(dir, dir).probe(), RdmaProbe.LIBRARY);
        if (installed)
        {
            assertEquals(Level.OK, library.level(), library.toString());
            return;
        }
        assertEquals(Level.FAIL, library.level(), library.toString());
        assertTrue(library.detail().contains("disni") &&
            library.detail().contains(System.getProperty("java.library.path")), library.detail());
        assertTrue(library.fix().contains("native-setup/install") && library.fix().contains("java.library.path"),
            library.fix());
    }

    @Test
    void firstFailureIsTheReasonAndFakeTreesWithoutRdmaAreNotUsable()
    {
        final RdmaStatus status = new RdmaProbe(dir, dir).probe();
        assertFalse(status.usable());
        final Check first = status.firstFailure().orElseThrow();
        // Flags pass in this JVM, so the first failure is the library (absent here) or, with it, the devices.
        assertEquals(check(status, RdmaProbe.LIBRARY).level() == Level.FAIL ? RdmaProbe.LIBRARY : RdmaDevices.NAME,
            first.name());
        assertTrue(status.reason().startsWith(first.name() + ": " + first.detail() + " (fix: " + first.fix()),
            status.reason());
        assertEquals(Level.FAIL, check(status, RdmaDevices.NAME).level());
        assertEquals(Level.WARN, check(status, LockedMemory.NAME).level(), "no limits file in the fake /proc");
    }

    @Test
    void thisHostsDevicesMatchSys()
    {
        final Check devices = RdmaDevices.check(Path.of("/sys"));
        if (!Files.isDirectory(Path.of("/sys/class/infiniband")))
        {
            assertEquals(Level.FAIL, devices.level());
            assertTrue(devices.detail().contains("/sys/class/infiniband is missing"), devices.detail());
            assertTrue(devices.fix().contains("ibv_devices"), devices.fix());
        }
        else
        {
            assertTrue(devices.detail().length() > 0, devices.toString());
        }
    }

    @Test
    void devicesAbsentOrEmptyFail() throws IOException
    {
        assertEquals(Level.FAIL, RdmaDevices.check(dir).level());
        Files.createDirectories(dir.resolve("class/infiniband"));
        final Check empty = RdmaDevices.check(dir);
        assertEquals(Level.FAIL, empty.level());
        assertTrue(empty.detail().contains("is empty"), empty.detail());
    }

    @Test
    void deviceWithAnActivePortPassesAndListsEveryPort() throws IOException
    {
        port("mlx5_1", 1, "1: DOWN");
        port("mlx5_0", 2, "1: DOWN");
        port("mlx5_0", 1, "4: ACTIVE\n");
        final Check devices = RdmaDevices.check(dir);
        assertEquals(Level.OK, devices.level(), devices.toString());
        assertEquals("mlx5_0 port 1 ACTIVE, mlx5_0 port 2 DOWN, mlx5_1 port 1 DOWN", devices.detail());
        assertTrue(new RdmaProbe(dir, dir).probe().checks().contains(devices));
    }

    @Test
    void devicesWithoutAnActivePortFail() throws IOException
    {
        port("rxe0", 1, "1: DOWN");
        port("mlx4_0", 1, "2: INIT");
        final Check devices = RdmaDevices.check(dir);
        assertEquals(Level.FAIL, devices.level());
        assertEquals("no active port: mlx4_0 port 1 INIT, rxe0 port 1 DOWN", devices.detail());
        assertTrue(devices.fix().contains("subnet manager"), devices.fix());
    }

    @Test
    void devicesWithoutPortStateWarn() throws IOException
    {
        Files.createDirectories(dir.resolve("class/infiniband/rxe0"));
        final Check devices = RdmaDevices.check(dir);
        assertEquals(Level.WARN, devices.level());
        assertEquals("rxe0, port states unreadable", devices.detail());
    }

    @Test
    void unlimitedLockedMemoryPasses() throws IOException
    {
        final Check memlock = LockedMemory.check(limits("unlimited            unlimited            bytes"));
        assertEquals(Check.ok(LockedMemory.NAME, "unlimited"), memlock);
    }

    @Test
    void lowLockedMemoryFailsWithTheFix() throws IOException
    {
        final Check memlock = LockedMemory.check(limits("65536                8388608              bytes"));
        assertEquals(Level.FAIL, memlock.level());
        assertEquals("soft limit 64 KiB (hard 8 MiB) is below 64 MiB: registering memory will fail",
            memlock.detail());
        for (final String fix : List.of("ulimit -l", "limits.conf", "LimitMEMLOCK"))
        {
            assertTrue(memlock.fix().contains(fix), memlock.fix());
        }
    }

    @Test
    void highButLimitedLockedMemoryWarns() throws IOException
    {
        final Check memlock = LockedMemory.check(limits("17179869184          unlimited            bytes"));
        assertEquals(Level.WARN, memlock.level());
        assertTrue(memlock.detail().startsWith("soft limit 16 GiB (hard unlimited): registration fails once"),
            memlock.detail());
        assertEquals(LockedMemory.FIX, memlock.fix());
        assertEquals(Level.OK, LockedMemory.check(limits("unlimited 0 bytes")).level());
        assertEquals(Level.WARN, LockedMemory.check(limits(LockedMemory.MINIMUM + " " + LockedMemory.MINIMUM +
            " bytes")).level(), "the minimum itself is enough to start");
    }

    @Test
    void unreadableLimitsWarn() throws IOException
    {
        assertEquals(Level.WARN, LockedMemory.check(dir.resolve("absent")).level());
        final Path other = Files.writeString(dir.resolve("limits"), "Max open files 1024 4096 files\n");
        assertTrue(LockedMemory.check(other).detail().contains("no 'Max locked memory' line"));
        final Check garbled = LockedMemory.check(limits("lots                 lots                 bytes"));
        assertEquals(Level.WARN, garbled.level());
        assertTrue(garbled.detail().startsWith("cannot parse 'Max locked memory         lots"), garbled.detail());
    }

    @Test
    void thisHostsLimitsAndMeminfoParse()
    {
        final Check memlock = LockedMemory.check(Path.of("/proc/self/limits"));
        assertTrue(memlock.detail().equals("unlimited") || memlock.detail().startsWith("soft limit "),
            memlock.toString());
        final Check huge = HugePages.check(Path.of("/proc/meminfo"));
        assertEquals(Level.OK, huge.level(), huge.toString());
    }

    @Test
    void hugePagesAreReportedWithTheirSize() throws IOException
    {
        final Path meminfo = Files.writeString(dir.resolve("meminfo"), String.join("\n",
            "MemTotal:       16318412 kB", "HugePages_Total:     512", "HugePages_Free:      100",
            "HugePages_Rsvd:        0", "Hugepagesize:       2048 kB", "Hugetlb:         1048576 kB", ""));
        final Check huge = HugePages.check(meminfo);
        assertEquals(Level.OK, huge.level());
        assertTrue(huge.detail().startsWith("512 reserved, 100 free, 2 MiB each"), huge.detail());

        Files.writeString(meminfo, "HugePages_Total: 0\nHugePages_Free: 0\nHugepagesize: 1048576 kB\n");
        assertTrue(HugePages.check(meminfo).detail().startsWith("0 reserved, 0 free, 1 GiB each"));

        Files.writeString(meminfo, "HugePages_Total: many\n");
        assertEquals(Level.WARN, HugePages.check(meminfo).level());
        Files.writeString(meminfo, "MemTotal:       16318412 kB\n");
        assertEquals(Level.WARN, HugePages.check(meminfo).level());
        assertEquals(Level.WARN, HugePages.check(dir.resolve("absent")).level());
    }

    @Test
    void bytesUseTheLargestExactUnit()
    {
        assertEquals("100 B", LockedMemory.bytes(100));
        assertEquals("1536 KiB", LockedMemory.bytes(1536 * 1024));
        assertEquals("8 MiB", LockedMemory.bytes(8L << 20));
        assertEquals("2 TiB", LockedMemory.bytes(2L << 40));
    }

    private void port(final String device, final int port, final String state) throws IOException
    {
        final Path ports = Files.createDirectories(dir.resolve("class/infiniband/" + device + "/ports/" + port));
        Files.writeString(ports.resolve("state"), state);
    }

    private Path limits(final String memlock) throws IOException
    {
        return Files.writeString(dir.resolve("limits"), String.join("\n",
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max open files            1048576              1048576              files     ",
            "Max locked memory         " + memlock, ""));
    }

    private static Check check(final RdmaStatus status, final String name)
    {
        return status.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
