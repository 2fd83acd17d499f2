package io.nups.cli;

import io.nups.transport.rdma.RdmaProbe;
import io.nups.transport.rdma.RdmaStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@code --transport rdma} on a host where RDMA is not usable (this one) fails at once with the probe's reason. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RdmaTransportFlagTest
{
    @Test
    void rdmaOnAHostWithoutRdmaExitsNonZeroNamingTheFailingCheckBeforeTheRendezvous()
    {
        final RdmaStatus status = RdmaProbe.status();
        assumeFalse(status.usable(), "RDMA is usable on this host: scripts/rdma-selftest covers it");
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = NupsCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        // Nobody listens at the coordinator: a start that got as far as the rendezvous would wait its timeout.
        final long start = System.nanoTime();
        final int exit = commandLine.execute("bench", "--nodes", "2", "--rank", "1", "--coordinator",
            "127.0.0.1:1", "--transport", "rdma", "--keys", "100", "--ops", "10");
        assertEquals(1, exit, err.toString());
        assertTrue(err.toString().startsWith("nups: error: --transport rdma: RDMA is not usable on this host: " +
            status.firstFailure().orElseThrow().name() + ": "), err.toString());
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "took the rendezvous timeout");
    }
}
