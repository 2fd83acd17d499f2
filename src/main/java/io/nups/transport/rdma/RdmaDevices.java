package io.nups.transport.rdma;

import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The RDMA devices the kernel lists under {@code <sys>/class/infiniband} and the state of their ports. */
final class RdmaDevices
{
    static final String NAME = "RDMA devices";
    private static final String ACTIVE = "ACTIVE";
    private static final String NO_DEVICE_FIX = "install rdma-core and load the NIC's RDMA driver (e.g. " +
        "'modprobe mlx5_ib', or 'rdma link add rxe0 type rxe netdev ETH' for soft-RoCE), then check with ibv_devices";

    private RdmaDevices()
    {
    }

    static Check check(final Path sys)
    {
        final Path dir = sys.resolve("class").resolve("infiniband");
        try
        {
            return checkDevices(dir);
        }
        catch (final UncheckedIOException ex)
        {
            return new Check(Level.FAIL, NAME, ex.getMessage() + ": " + ex.getCause(),
                "let this user read " + dir + " (ibv_devices shows what it can see)");
        }
    }

    private static Check checkDevices(final Path dir)
    {
        if (!Files.isDirectory(dir))
        {
            return new Check(Level.FAIL, NAME, "none: " + dir + " is missing (no RDMA driver loaded)", NO_DEVICE_FIX);
        }
        final List<Path> devices = sortedChildren(dir);
        if (devices.isEmpty())
        {
            return new Check(Level.FAIL, NAME, "none: " + dir + " is empty", NO_DEVICE_FIX);
        }
        final List<String> ports = new ArrayList<>();
        boolean active = false;
        for (final Path device : devices)
        {
            final Path portDir = device.resolve("ports");
            for (final Path port : Files.isDirectory(portDir) ? sortedChildren(portDir) : List.<Path>of())
            {
                final String state = portState(port.resolve("state"));
                active |= state.equals(ACTIVE);
                ports.add(device.getFileName() + " port " + port.getFileName() + " " + state);
            }
        }
        final String names = String.join(", ", devices.stream().map(d -> d.getFileName().toString()).toList());
        if (ports.isEmpty())
        {
            return new Check(Level.WARN, NAME, names + ", port states unreadable",
                "check with ibv_devinfo that a port is PORT_ACTIVE");
        }
        if (!active)
        {
            return new Check(Level.FAIL, NAME, "no active port: " + String.join(", ", ports),
                "bring a port up: check the cable and link (ibstat, 'rdma link'); InfiniBand needs a running " +
                    "subnet manager (opensm)");
        }
        return Check.ok(NAME, String.join(", ", ports));
    }

    /** The state word of a port's state file ("4: ACTIVE" gives ACTIVE), or "state unknown". */
    private static String portState(final Path file)
    {
        try
        {
            final String text = Files.readString(file).trim();
            return text.substring(text.indexOf(':') + 1).trim();
        }
        catch (final IOException ex)
        {
            return "state unknown";
        }
    }

    private static List<Path> sortedChildren(final Path dir)
    {
        try (Stream<Path> children = Files.list(dir))
        {
            return children.sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + dir, ex);
        }
    }
}
