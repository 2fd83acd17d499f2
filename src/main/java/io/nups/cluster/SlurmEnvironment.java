package io.nups.cluster;

import java.util.List;
import java.util.Map;

/**
 * This task's rank and the hosts of its job step, from the variables {@code srun} sets. nups runs one task
 * per node, so task i runs on the i-th host of the node list; more tasks than hosts is refused.
 *
 * @param rank  SLURM_PROCID
 * @param hosts the expanded node list, one host per task
 */
record SlurmEnvironment(int rank, List<String> hosts)
{
    static final String PROCID = "SLURM_PROCID";
    static final String NTASKS = "SLURM_NTASKS";
    static final String NNODES = "SLURM_NNODES";
    static final String STEP_NODELIST = "SLURM_STEP_NODELIST";
    static final String JOB_NODELIST = "SLURM_JOB_NODELIST";
    static final String STEP_TASKS_PER_NODE = "SLURM_STEP_TASKS_PER_NODE";
    static final String NODENAME = "SLURMD_NODENAME";

    private static final String ONE_TASK_PER_NODE = "nups runs one task per node (srun --ntasks-per-node=1)";

    static SlurmEnvironment read(final Map<String, String> env)
    {
        final int rank = EnvironmentValues.integer(env, PROCID, 0, Integer.MAX_VALUE);
        final int nodes = tasks(env);
        final String listName = env.containsKey(STEP_NODELIST) ? STEP_NODELIST : JOB_NODELIST;
        final String list = EnvironmentValues.required(env, listName);
        final List<String> hosts;
        try
        {
            hosts = Hostlist.expand(list);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ClusterException(listName + ": " + ex.getMessage(), ex);
        }
        if (hosts.size() != nodes)
        {
            throw new ClusterException(countName(env) + "=" + nodes + " but " + listName + "=" + list + " names " +
                hosts.size() + " hosts; " + ONE_TASK_PER_NODE);
        }
        if (rank >= nodes)
        {
            throw new ClusterException(PROCID + "=" + rank + " is not in [0, " + countName(env) + "=" + nodes + ")");
        }
        final String nodeName = env.get(NODENAME);
        if (nodeName != null && !nodeName.isBlank() && !nodeName.strip().equals(hosts.get(rank)))
        {
            throw new ClusterException(PROCID + "=" + rank + " should run on " + hosts.get(rank) + ", host " +
                (rank + 1) + " of " + listName + "=" + list + ", but " + NODENAME + "=" + nodeName.strip() + "; " +
                ONE_TASK_PER_NODE);
        }
        return new SlurmEnvironment(rank, List.copyOf(hosts));
    }

    private static int tasks(final Map<String, String> env)
    {
        final String perNode = env.get(STEP_TASKS_PER_NODE);
        if (perNode != null && !perNode.isBlank() && !perNode.strip().matches("1(\\(x\\d+\\))?(,1(\\(x\\d+\\))?)*"))
        {
            throw new ClusterException(STEP_TASKS_PER_NODE + "='" + perNode.strip() + "' puts more than one task " +
                "on a node; " + ONE_TASK_PER_NODE);
        }
        if (!env.containsKey(NTASKS))
        {
            return EnvironmentValues.integer(env, NNODES, 1, Integer.MAX_VALUE);
        }
        final int tasks = EnvironmentValues.integer(env, NTASKS, 1, Integer.MAX_VALUE);
        final int nodes = EnvironmentValues.integer(env, NNODES, 1, Integer.MAX_VALUE, tasks);
        if (tasks > nodes)
        {
            throw new ClusterException(NTASKS + "=" + tasks + " is more than " + NNODES + "=" + nodes + "; " +
                ONE_TASK_PER_NODE);
        }
        return tasks;
    }

    private static String countName(final Map<String, String> env)
    {
        return env.containsKey(NTASKS) ? NTASKS : NNODES;
    }
}
