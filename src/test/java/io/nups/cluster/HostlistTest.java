package io.nups.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostlistTest
{
    @Test
    void expandsRangesAndListsKeepingTheLowerBoundsWidth()
    {
        assertEquals(List.of("node01", "node02", "node03", "node04", "node07", "gpu3"),
            Hostlist.expand("node[01-04,07],gpu3"));
        assertEquals(List.of("n8", "n9", "n10"), Hostlist.expand("n[8-10]"));
        assertEquals(List.of("n08", "n09", "n10"), Hostlist.expand("n[08-10]"));
        assertEquals(List.of("n098", "n099", "n100"), Hostlist.expand("n[098-100]"));
        assertEquals(List.of("a", "b-c.example.org"), Hostlist.expand("a,b-c.example.org"));
        assertEquals(List.of("single"), Hostlist.expand("single"));
        assertEquals(List.of("7", "8"), Hostlist.expand("[7-8]"));
    }

    @Test
    void expandsSeveralBracketsInOneNameInOrder()
    {
        assertEquals(List.of("r1n1", "r1n2", "r2n1", "r2n2", "x"), Hostlist.expand("r[1-2]n[1-2],x"));
        assertEquals(List.of("rack1-node01-ib", "rack1-node03-ib"), Hostlist.expand("rack1-node[01,03]-ib"));
    }

    @Test
    void errorsNameTheListAndThePlace()
    {
        assertError("", "hostlist '' is empty");
        assertError("node[01-", "hostlist 'node[01-' misses a ']' (at character 9)");
        assertError("node[01-04", "misses a ']'");
        assertError("node[04-01]", "hostlist 'node[04-01]' has a decreasing range 04-01 (at character 6)");
        assertError("node[a]", "has 'a' in a bracket, where a number belongs (at character 6)");
        assertError("node[1;2]", "has ';' in a bracket");
        assertError("a,,b", "hostlist 'a,,b' has an empty host name (at character 3)");
        assertError("a,", "has an empty host name");
        assertError("node]1", "has an unexpected ']' (at character 5)");
        assertError("a b", "has an unexpected ' '");
        assertError("n[0-9999999]", "names more than " + Hostlist.MAX_HOSTS + " hosts");
        assertError("a[0-1023]b[0-1023]c[0-1]", "names more than " + Hostlist.MAX_HOSTS + " hosts");
    }

    private static void assertError(final String hostlist, final String expected)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Hostlist.expand(hostlist));
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
