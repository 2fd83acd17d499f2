package io.nups.node;

import io.nups.manage.HotKeys;
import io.nups.manage.PsMessageView;
import io.nups.manage.PsMessageView.Kind;
import io.nups.store.KeyLayout;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Watches every message of a cluster (as the {@link ChaosTransport.Tap} of each node) for what replication
 * promises on the wire: a replicated key never appears in any message but SYNC (it is never pulled, pushed,
 * localized, handed over or transferred between nodes), a SYNC frame names replicated keys only, and SYNC
 * rounds did run. It reads messages through {@link PsMessageView} (the real wire layout) and only observes.
 * It also counts SYNC payloads split into fragments and relocation traffic that reached a node between two
 * fragments of one payload.
 */
final class ReplicaTap implements ChaosTransport.Tap
{
    private static final int VIOLATIONS_KEPT = 10;

    private final KeyLayout layout;
    private final HotKeys replicated;
    /** [to][from]: some fragments of a SYNC payload from {@code from} arrived at {@code to}, not yet the last. */
    private final boolean[][] partial;
    private final List<String> violations = new ArrayList<>();
    private long violationCount;
    private long syncFrames;
    private long laterFragments;
    private long setupVotes;
    private long rounds;
    private long replicatedKeysSynced;
    private final IntSummaryStatistics keysPerFrame = new IntSummaryStatistics();
    private long interleaved;

    ReplicaTap(final KeyLayout layout, final HotKeys replicated, final int nodes)
    {
        this.layout = layout;
        this.replicated = replicated;
        this.partial = new boolean[nodes][nodes];
    }

    @Override
    public synchronized void sent(final int from, final int to, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final Kind kind = PsMessageView.kind(buffer, offset);
        final List<Integer> keys = PsMessageView.keys(buffer, offset, length, layout);
        if (kind != Kind.SYNC)
        {
            for (final int key : keys)
            {
                if (replicated.contains(key))
                {
                    violation(kind + " from node " + from + " to node " + to + " names replicated key " + key);
                }
            }
            return;
        }
        syncFrames++;
        rounds = Math.max(rounds, PsMessageView.syncRound(buffer, offset) + 1);
        laterFragments += PsMessageView.syncFragment(buffer, offset) > 0 ? 1 : 0;
        setupVotes += PsMessageView.syncVotesSetup(buffer, offset) ? 1 : 0;
        keysPerFrame.accept(keys.size());
        for (final int key : keys)
        {
            if (replicated.contains(key))
            {
                replicatedKeysSynced++;
            }
            else
            {
                violation("SYNC from node " + from + " to node " + to + " names key " + key + ", which is not replicated");
            }
        }
    }

    @Override
    public synchronized void received(final int from, final int to, final DirectBuffer buffer, final int offset,
        final int length)
    {
        final Kind kind = PsMessageView.kind(buffer, offset);
        if (kind == Kind.SYNC)
        {
            partial[to][from] = !PsMessageView.syncLastFragment(buffer, offset);
            return;
        }
        if (kind == Kind.OTHER)
        {
            return; // barriers and region lists
        }
        for (final boolean open : partial[to])
        {
            if (open)
            {
                interleaved++;
                return;
            }
        }
    }

    private void violation(final String what)
    {
        if (violationCount++ < VIOLATIONS_KEPT)
        {
            violations.add(what);
        }
    }

    /** No message but SYNC named a replicated key, and SYNC named nothing else. */
    synchronized void assertReplicasStayedLocal()
    {
        assertTrue(violationCount == 0, violationCount + " messages broke replication, first ones: " + violations);
    }

    /** At least {@code min} SYNC rounds crossed the wire, carrying replicated keys. */
    synchronized void assertRoundsRan(final long min)
    {
        assertTrue(rounds >= min && replicatedKeysSynced > 0, "expected at least " + min + " SYNC rounds carrying " +
            "replicated keys on the wire: " + this);
    }

    /** SYNC frames with a fragment index above 0: payloads that did not fit one transport message. */
    synchronized long laterFragments()
    {
        return laterFragments;
    }

    /** Relocation or request messages a node received while a fragmented SYNC payload was half-way in. */
    synchronized long interleaved()
    {
        return interleaved;
    }

    /** SYNC frames sent with a setup-phase vote. */
    synchronized long setupVotes()
    {
        return setupVotes;
    }

    /** Fewest and most keys a SYNC frame named (0 and 0 before any frame). */
    synchronized int fewestKeysPerFrame()
    {
        return keysPerFrame.getCount() == 0 ? 0 : keysPerFrame.getMin();
    }

    synchronized int mostKeysPerFrame()
    {
        return keysPerFrame.getCount() == 0 ? 0 : keysPerFrame.getMax();
    }

    /** SYNC frames sent. */
    synchronized long syncFrames()
    {
        return syncFrames;
    }

    @Override
    public synchronized String toString()
    {
        return syncFrames + " SYNC frames (" + laterFragments + " later fragments, " + setupVotes + " setup votes) in " +
            rounds + " rounds, " + replicatedKeysSynced + " replicated keys synced (" + fewestKeysPerFrame() + "-" +
            mostKeysPerFrame() + " per frame), " + interleaved +
            " PS messages between fragments";
    }
}
