package io.nups.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest
{
    private static final int BASE = 7300;

    @TempDir
    Path dir;

    @Test
    void hostfileSkipsCommentsAndBlankLinesAndLaysOutPorts() throws IOException
    {
        final Path hosts = hostfile(
            "# the cluster",
            "",
            "node01          # rank 0, coordinator",
            "node02:9000",
            "   ",
            "[fe80::1]:9001",
            "10.0.0.4");
        final ClusterConfig rank0 = ClusterConfig.fromHostfile(hosts, OptionalInt.of(0), BASE);
        assertEquals(4, rank0.nodes());
        assertEquals("node01", rank0.coordinator().getHostString());
        assertEquals(BASE, rank0.coordinator().getPort());
        assertEquals(BASE + 1, rank0.dataPort(), "no port on the line: base + 1 + rank");
        assertEquals("node01", rank0.dataHost().orElseThrow());

        final ClusterConfig rank1 = ClusterConfig.fromHostfile(hosts, OptionalInt.of(1), BASE);
        assertEquals(9000, rank1.dataPort());
        assertEquals("node02", rank1.dataHost().orElseThrow());
        assertEquals("fe80::1", ClusterConfig.fromHostfile(hosts, OptionalInt.of(2), BASE).dataHost().orElseThrow());
        assertEquals(BASE + 4, ClusterConfig.fromHostfile(hosts, OptionalInt.of(3), BASE).dataPort());
        assertTrue(rank1.toString().contains("rank 1 of 4") && rank1.toString().contains("hostfile"), rank1.toString());
    }

    @Test
    void hostfileErrorsNameFileAndLine() throws IOException
    {
        final Path slots = hostfile("# MPI style", "node01 slots=4");
        assertError(() -> ClusterConfig.fromHostfile(slots, OptionalInt.of(0), BASE),
            slots + ":2: expected host[:port], got 'node01 slots=4'");

        final Path badPort = hostfile("node01", "node02:99999");
        assertError(() -> ClusterConfig.fromHostfile(badPort, OptionalInt.of(0), BASE),
            badPort + ":2: expected host[:port], got 'node02:99999'");

        final Path noHost = hostfile(":7000");
        assertError(() -> ClusterConfig.fromHostfile(noHost, OptionalInt.of(0), BASE),
            noHost + ":1: expected host[:port]");

        final Path duplicate = hostfile("node01", "# spare", "node02:9000", "node02:9000");
        assertError(() -> ClusterConfig.fromHostfile(duplicate, OptionalInt.of(0), BASE),
            duplicate + ":4: data address node02:9000 is already used by line 3");

        final Path coordinatorClash = hostfile("node01", "node01:" + BASE);
        assertError(() -> ClusterConfig.fromHostfile(coordinatorClash, OptionalInt.of(0), BASE),
            ":2: data address node01:" + BASE + " is already used by the coordinator");

        final Path empty = hostfile("# nothing", "");
        assertError(() -> ClusterConfig.fromHostfile(empty, OptionalInt.of(0), BASE), empty + ": no hosts");

        final Path missing = dir.resolve("missing.txt");
        assertError(() -> ClusterConfig.fromHostfile(missing, OptionalInt.of(0), BASE),
            "cannot read hostfile " + missing);

        final Path two = hostfile("node01", "node02");
        assertError(() -> ClusterConfig.fromHostfile(two, OptionalInt.of(2), BASE), "rank 2 is not in [0, 2)");
        assertError(() -> ClusterConfig.fromHostfile(two, OptionalInt.of(0), 65534), "base port 65534 leaves no room");
    }

    @Test
    void hostfileRankComesFromTheLineNamingThisMachine() throws IOException
    {
        final String[] foreign = foreignAddresses();
        final Path hosts = hostfile(foreign[0], "127.0.0.1", foreign[1]);
        final ClusterConfig config = ClusterConfig.fromHostfile(hosts, OptionalInt.empty(), BASE);
        assertEquals(1, config.rank());
        assertEquals(foreign[0], config.coordinator().getHostString());

        final Path none = hostfile(foreign[0], foreign[1]);
        assertError(() -> ClusterConfig.fromHostfile(none, OptionalInt.empty(), BASE),
            none + ": none of its 2 hosts is this machine");

        final Path ambiguous = hostfile("127.0.0.1:9000", "# a comment", "127.0.0.1:9001");
        assertError(() -> ClusterConfig.fromHostfile(ambiguous, OptionalInt.empty(), BASE),
            ambiguous + ": lines 1, 3 all name this machine");
        assertEquals(1, ClusterConfig.fromHostfile(ambiguous, OptionalInt.of(1), BASE).rank());
    }

    @Test
    void slurmGivesRankHostsAndCoordinator()
    {
        final Map<String, String> env = slurm(2, 4, "node[01-04]");
        env.put("SLURM_NNODES", "4");
        env.put("SLURMD_NODENAME", "node03");
        final ClusterConfig config = ClusterConfig.fromSlurm(env, BASE);
        assertEquals(2, config.rank());
        assertEquals(4, config.nodes());
        assertEquals("node01", config.coordinator().getHostString());
        assertEquals(BASE, config.coordinator().getPort());
        assertEquals("node03", config.dataHost().orElseThrow());
        assertEquals(BASE + 3, config.dataPort());
        assertEquals("Slurm", config.source());

        final Map<String, String> jobOnly = new HashMap<>();
        jobOnly.put("SLURM_PROCID", "0");
        jobOnly.put("SLURM_NNODES", "2");
        jobOnly.put("SLURM_JOB_NODELIST", "gpu[7,9]");
        assertEquals("gpu7", ClusterConfig.fromSlurm(jobOnly, BASE).coordinator().getHostString());
        assertEquals(2, ClusterConfig.fromSlurm(jobOnly, BASE).nodes());
    }

    @Test
    void slurmRefusesMoreThanOneTaskPerNodeAndNamesTheVariables()
    {
        final Map<String, String> twoPerNode = slurm(0, 8, "node[01-04]");
        twoPerNode.put("SLURM_NNODES", "4");
        assertError(() -> ClusterConfig.fromSlurm(twoPerNode, BASE),
            "SLURM_NTASKS=8 is more than SLURM_NNODES=4; nups runs one task per node (srun --ntasks-per-node=1)");

        final Map<String, String> listed = slurm(0, 4, "node[01-04]");
        listed.put("SLURM_STEP_TASKS_PER_NODE", "2(x2)");
        assertError(() -> ClusterConfig.fromSlurm(listed, BASE),
            "SLURM_STEP_TASKS_PER_NODE='2(x2)' puts more than one task");
        listed.put("SLURM_STEP_TASKS_PER_NODE", "1(x4)");
        assertEquals(4, ClusterConfig.fromSlurm(listed, BASE).nodes());

        assertError(() -> ClusterConfig.fromSlurm(slurm(0, 4, "node[01-03]"), BASE),
            "SLURM_NTASKS=4 but SLURM_STEP_NODELIST=node[01-03] names 3 hosts");

        final Map<String, String> elsewhere = slurm(1, 2, "a,b");
        elsewhere.put("SLURMD_NODENAME", "a");
        assertError(() -> ClusterConfig.fromSlurm(elsewhere, BASE),
            "SLURM_PROCID=1 should run on b, host 2 of SLURM_STEP_NODELIST=a,b, but SLURMD_NODENAME=a");

        final Map<String, String> badRank = slurm(0, 2, "a,b");
        badRank.put("SLURM_PROCID", "x1");
        assertError(() -> ClusterConfig.fromSlurm(badRank, BASE), "SLURM_PROCID='x1' is not an integer");
        badRank.remove("SLURM_PROCID");
        assertError(() -> ClusterConfig.fromSlurm(badRank, BASE), "SLURM_PROCID is not set");

        assertError(() -> ClusterConfig.fromSlurm(slurm(0, 2, "a[1-"), BASE),
            "SLURM_STEP_NODELIST: hostlist 'a[1-' misses a ']'");
        assertError(() -> ClusterConfig.fromSlurm(slurm(2, 2, "a,b"), BASE),
            "SLURM_PROCID=2 is not in [0, SLURM_NTASKS=2)");
    }

    @Test
    void launcherEnvironmentAndItsErrorsNameTheVariable()
    {
        final Map<String, String> env = launcher("1", "3", "127.0.0.1:7000");
        final ClusterConfig config = ClusterConfig.fromLauncherEnvironment(env);
        assertEquals(1, config.rank());
        assertEquals(3, config.nodes());
        assertEquals("127.0.0.1", config.coordinator().getHostString());
        assertEquals(7000, config.coordinator().getPort());
        assertEquals(ClusterConfig.ANY_PORT, config.dataPort());
        assertFalse(config.dataHost().isPresent());
        env.put("NUPS_DATA_PORT", "7002");
        assertEquals(7002, ClusterConfig.fromLauncherEnvironment(env).dataPort());

        assertLauncherError(launcher("one", "3", "h:1"), "NUPS_RANK='one' is not an integer");
        assertLauncherError(launcher("3", "3", "h:1"), "NUPS_RANK=3 is not in [0, NUPS_NODES=3)");
        assertLauncherError(launcher("0", "0", "h:1"), "NUPS_NODES=0 is not in [1, ");
        assertLauncherError(launcher("0", "2", "localhost"), "NUPS_COORDINATOR='localhost' is not host:port");
        assertLauncherError(launcher("0", "2", "h:0"), "coordinator h:0 needs a port");
        final Map<String, String> noNodes = launcher("0", "2", "h:1");
        noNodes.remove("NUPS_NODES");
        assertLauncherError(noNodes, "NUPS_NODES is not set");
        env.put("NUPS_DATA_PORT", "70000");
        assertLauncherError(env, "NUPS_DATA_PORT=70000 is not in [0, 65535]");
    }

    @Test
    void environmentPrefersTheLauncherThenSlurm()
    {
        final Map<String, String> both = slurm(1, 2, "a,b");
        assertEquals("Slurm", ClusterConfig.fromEnvironment(both, BASE).orElseThrow().source());
        both.putAll(launcher("0", "1", "127.0.0.1:7000"));
        assertEquals(0, ClusterConfig.fromEnvironment(both, BASE).orElseThrow().rank());
        assertTrue(ClusterConfig.fromEnvironment(Map.of("HOME", "/root"), BASE).isEmpty());
    }

    @Test
    void explicitValuesAreChecked()
    {
        final ClusterConfig config = ClusterConfig.explicit(2, 4, "[::1]:7000", 0);
        assertEquals("::1", config.coordinator().getHostString());
        assertEquals(7000, config.coordinator().getPort());
        assertError(() -> ClusterConfig.explicit(0, 2, "node01", 0), "coordinator 'node01' is not host:port");
        assertError(() -> ClusterConfig.explicit(4, 4, "node01:7000", 0), "rank 4 is not in [0, 4)");
        assertError(() -> ClusterConfig.explicit(0, 0, "node01:7000", 0), "node count 0 is not positive");
        assertError(() -> ClusterConfig.explicit(0, 1, "node01:7000", -1), "data port -1 is not in [0, 65535]");
        assertEquals(1, ClusterConfig.single().nodes());
        assertEquals(0, ClusterConfig.explicit(0, 1, "127.0.0.1:0", 0).coordinator().getPort());
    }

    private Path hostfile(final String... lines) throws IOException
    {
        return Files.write(Files.createTempFile(dir, "hosts", ".txt"), List.of(lines));
    }

    /** Two documentation addresses (RFC 5737, literals: no DNS) that are not this machine's; sandboxes use some. */
    private static String[] foreignAddresses() throws IOException
    {
        final List<String> found = new ArrayList<>();
        for (final String net : new String[]{"203.0.113.", "198.51.100.", "192.0.2."})
        {
            for (int host = 1; host < 20 && found.size() < 2; host++)
            {
                if (NetworkInterface.getByInetAddress(InetAddress.getByName(net + host)) == null)
                {
                    found.add(net + host);
                }
            }
        }
        return found.toArray(new String[0]);
    }

    private static Map<String, String> slurm(final int rank, final int tasks, final String nodelist)
    {
        final Map<String, String> env = new HashMap<>();
        env.put("SLURM_PROCID", Integer.toString(rank));
        env.put("SLURM_NTASKS", Integer.toString(tasks));
        env.put("SLURM_STEP_NODELIST", nodelist);
        return env;
    }

    private static Map<String, String> launcher(final String rank, final String nodes, final String coordinator)
    {
        final Map<String, String> env = new HashMap<>();
        env.put("NUPS_RANK", rank);
        env.put("NUPS_NODES", nodes);
        env.put("NUPS_COORDINATOR", coordinator);
        return env;
    }

    private static void assertLauncherError(final Map<String, String> env, final String expected)
    {
        assertError(() -> ClusterConfig.fromLauncherEnvironment(env), expected);
    }

    private static void assertError(final Executable call, final String expected)
    {
        final ClusterException ex = assertThrows(ClusterException.class, call);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
