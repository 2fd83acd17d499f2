package io.nups.transport;

import org.agrona.DirectBuffer;

/** Receives messages; runs on a transport thread and must copy what it keeps. */
@FunctionalInterface
public interface MessageHandler
{
    void onMessage(int fromPeer, DirectBuffer buffer, int offset, int length);
}
