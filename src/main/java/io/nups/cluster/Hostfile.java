package io.nups.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostfile: one {@code host[:port]} per line, line i (not counting blank and comment lines) for rank i;
 * {@code #} starts a comment.
 */
final class Hostfile
{
    private static final char COMMENT = '#';

    /** One host line: its address and its line number in the file, for messages. */
    record Entry(HostPort address, int line)
    {
    }

    private Hostfile()
    {
    }

    static List<Entry> read(final Path path)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ClusterException("cannot read hostfile " + path + ": " + ex, ex);
        }
        return parse(path, lines);
    }

    static List<Entry> parse(final Path path, final List<String> lines)
    {
        final List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i);
            final int comment = line.indexOf(COMMENT);
            final String text = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (text.isEmpty())
            {
                continue;
            }
            final HostPort address = HostPort.parse(text);
            if (address == null)
            {
                throw new ClusterException(path + ":" + (i + 1) + ": expected host[:port], got '" + text + "'");
            }
            entries.add(new Entry(address, i + 1));
        }
        if (entries.isEmpty())
        {
            throw new ClusterException(path + ": no hosts (expected one host[:port] per line)");
        }
        return entries;
    }

    /**
     * The rank of the one entry that names this machine (its host name or one of its interface addresses).
     * Fails when none or several do: then the rank must be given.
     */
    static int localRank(final Path path, final List<Entry> entries)
    {
        final String hostName = HostIdentity.local().split("/", 2)[0];
        final List<Integer> matches = new ArrayList<>();
        for (int rank = 0; rank < entries.size(); rank++)
        {
            final String host = entries.get(rank).address().host();
            if (host.equalsIgnoreCase(hostName) || isLocalAddress(host))
            {
                matches.add(rank);
            }
        }
        if (matches.size() == 1)
        {
            return matches.get(0);
        }
        if (matches.isEmpty())
        {
            throw new ClusterException(path + ": none of its " + entries.size() + " hosts is this machine (" +
                hostName + "); give the rank explicitly");
        }
        final StringBuilder lines = new StringBuilder();
        for (final int rank : matches)
        {
            lines.append(lines.length() == 0 ? "" : ", ").append(entries.get(rank).line());
        }
        throw new ClusterException(path + ": lines " + lines + " all name this machine, so the rank is ambiguous; " +
            "give the rank explicitly");
    }

    private static boolean isLocalAddress(final String host)
    {
        try
        {
            for (final InetAddress address : InetAddress.getAllByName(host))
            {
                if (address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null)
                {
                    return true;
                }
            }
            return false;
        }
        catch (final UnknownHostException | SocketException ex)
        {
            return false; // a name this machine cannot resolve is not this machine
        }
    }
}
