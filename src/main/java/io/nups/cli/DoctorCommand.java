package io.nups.cli;

import io.nups.transport.rdma.RdmaProbe;
import io.nups.transport.rdma.RdmaStatus;
import io.nups.transport.rdma.RdmaStatus.Check;
import io.nups.transport.rdma.RdmaStatus.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nups doctor}: one report of everything RDMA needs on this host, each problem with its fix. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
        "Checks what the RDMA transport needs on this host: the JVM flags DiSNI needs, DiSNI's native library " +
            "libdisni, RDMA devices and their port states, the locked-memory limit and huge pages; then says " +
            "which transport --transport auto picks here and why. Each line is OK, WARN or FAIL, with the fix.",
        "Exit code 0 when RDMA is usable here, 1 otherwise. Also run as native-setup/check."
    })
final class DoctorCommand implements Callable<Integer>
{
    static final String TRANSPORT = "transport auto";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call()
    {
        return report(RdmaProbe.status(), spec.commandLine().getOut());
    }

    /** Prints the report of {@code status} and returns the exit code: 0 when RDMA is usable. */
    static int report(final RdmaStatus status, final PrintWriter out)
    {
        final List<Check> lines = new ArrayList<>(status.checks());
        lines.add(transportLine(status));
        for (final Check check : lines)
        {
            out.printf("%-5s %-14s %s%n", check.level(), check.name(), check.detail());
            if (!check.fix().isEmpty())
            {
                out.printf("%-20s fix: %s%n", "", check.fix());
            }
        }
        out.println(status.usable() ? "RDMA is usable here." :
            "RDMA is not usable here (first failure: " + status.firstFailure().orElseThrow().name() + ").");
        out.flush();
        return status.usable() ? 0 : 1;
    }

    /** What --transport auto picks across hosts (see TransportChoice): rdma when usable, else tcp. */
    private static Check transportLine(final RdmaStatus status)
    {
        if (status.usable())
        {
            return new Check(Level.OK, TRANSPORT, "shm when every node runs on this host, rdma otherwise (RDMA is " +
                "usable here; every node's address must be its RDMA interface's)", "");
        }
        return new Check(Level.WARN, TRANSPORT, "shm when every node runs on this host, tcp otherwise; not rdma: " +
            status.firstFailure().orElseThrow().name() + " failed", "see the FAIL lines above");
    }
}
