package io.nups.transport;

import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;

/** Duty cycle of the TCP I/O thread: wait for readiness (bounded), read frames, finish flushes. */
final class TcpIoAgent implements Agent
{
    private static final long SELECT_MILLIS = 100;

    private final TcpTransport transport;
    private final Selector selector;

    TcpIoAgent(final TcpTransport transport)
    {
        this.transport = transport;
        this.selector = transport.selector();
    }

    @Override
    public int doWork() throws IOException
    {
        if (transport.isClosing())
        {
            return 0;
        }
        final int ready = selector.select(SELECT_MILLIS);
        if (ready == 0)
        {
            return 0;
        }
        final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext())
        {
            final SelectionKey key = keys.next();
            keys.remove();
            final TcpPeer peer = (TcpPeer)key.attachment();
            if (key.isValid() && key.isReadable())
            {
                transport.onReadable(peer);
            }
            if (key.isValid() && key.isWritable())
            {
                peer.flush();
            }
        }
        return ready;
    }

    @Override
    public String roleName()
    {
        return "nups-tcp-io-r" + transport.rank();
    }
}
