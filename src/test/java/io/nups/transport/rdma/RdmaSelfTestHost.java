package io.nups.transport.rdma;

import org.junit.jupiter.api.Assumptions;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where tests over real RDMA run: {@code -Dnups.rdma.selftest=ADDR} (set by scripts/rdma-selftest) names this host's
 * RDMA interface address. Without it, or where the probe finds RDMA unusable, those tests are skipped, and the skip
 * says why with the probe's result.
 */
public final class RdmaSelfTestHost
{
    public static final String PROPERTY = "nups.rdma.selftest";
    private static final AtomicInteger PORTS = new AtomicInteger(17000);

    private RdmaSelfTestHost()
    {
    }

    /** Whether the self-test was asked for (its tests then run, or are skipped naming the probe's failure). */
    public static boolean requested()
    {
        return System.getProperty(PROPERTY) != null;
    }

    /** Skips the calling test unless it was asked for on a host where RDMA is usable; the reason says which. */
    public static void assumeRunnable()
    {
        final RdmaStatus status = RdmaProbe.status();
        Assumptions.assumeTrue(requested(), () -> "RDMA self-test not requested (run scripts/rdma-selftest ADDR on " +
            "an RDMA host); the probe here says: " + status.reason());
        Assumptions.assumeTrue(status.usable(), () -> "RDMA is not usable on this host: " + status.reason());
    }

    /** A fresh address on the self-test interface for node {@code rank} of a new cluster ({@code base} from next). */
    public static InetSocketAddress address(final int base, final int rank)
    {
        return new InetSocketAddress(System.getProperty(PROPERTY), base + rank);
    }

    /** The first port of a new cluster: every cluster gets ports of its own. */
    public static int nextBasePort()
    {
        return PORTS.getAndAdd(16);
    }

    /** Self-test connections give up sooner than production ones. */
    public static RdmaOptions options()
    {
        return RdmaOptions.DEFAULT.withConnectTimeout(java.time.Duration.ofSeconds(20));
    }
}
