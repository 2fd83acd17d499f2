package io.nups.cluster;

import java.util.List;
import java.util.Objects;

/**
 * The cluster as every node agreed on it at start: the same run id and node list on all nodes, each
 * node's own rank.
 *
 * @param runId short random id chosen by rank 0, e.g. to name a shared-memory run directory
 * @param rank  this node's rank, an index into {@code nodes}
 * @param nodes every node's address, indexed by rank
 */
public record ClusterTable(String runId, int rank, List<NodeAddress> nodes)
{
    public ClusterTable
    {
        Objects.requireNonNull(runId, "runId");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty() || rank < 0 || rank >= nodes.size())
        {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + nodes.size() + ")");
        }
    }

    /** Number of nodes. */
    public int size()
    {
        return nodes.size();
    }

    /** This node's address. */
    public NodeAddress self()
    {
        return nodes.get(rank);
    }

    /** Whether {@code peer} runs on this node's machine. */
    public boolean sameHost(final int peer)
    {
        return nodes.get(peer).hostId().equals(self().hostId());
    }
}
