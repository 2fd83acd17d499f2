package io.nups.transport.rdma;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The verbs the RDMA transport uses, and nothing more: one device context with its protection domain, one
 * completion queue and one listening address per node. {@link DisniVerbs} implements it over DiSNI; a test
 * double implements it in memory, so that every piece of the transport's logic (credits, fragments, dispatch,
 * error mapping, chained reads) runs in tests on hosts without RDMA.
 *
 * <p>Work request ids are the caller's; a completion carries the id, the ibv_wc_status and ibv_wc_opcode values
 * and the byte length. As in verbs, the opcode and length are valid only when the status is success.
 */
interface Verbs extends AutoCloseable
{
    /** ibv_access_flags values. */
    int ACCESS_LOCAL_WRITE = 1;
    int ACCESS_REMOTE_WRITE = 2;
    int ACCESS_REMOTE_READ = 4;

    /** ibv_wc_opcode values. */
    int OPCODE_SEND = 0;
    int OPCODE_RDMA_WRITE = 1;
    int OPCODE_RDMA_READ = 2;
    int OPCODE_RECV = 128;

    /** A registered memory region: the lkey goes in local scatter entries, the rkey to peers. */
    record Region(long address, int length, int lkey, int rkey)
    {
    }

    /** Receives completions; called by {@link #poll} with values already copied out of the provider. */
    @FunctionalInterface
    interface CompletionHandler
    {
        void onCompletion(long wrId, int status, int opcode, int byteLength);
    }

    /** Runs between creating a queue pair and connecting it: receives are posted here, before any peer can send. */
    @FunctionalInterface
    interface QueuePairSetup
    {
        void beforeConnect(QueuePair queuePair) throws IOException;
    }

    /**
     * A reliable connected queue pair. Posts complete on the node's completion queue. Once it fails or is
     * disconnected, work posted and still to come completes with IBV_WC_WR_FLUSH_ERR.
     */
    interface QueuePair
    {
        void postRecv(long wrId, long address, int length, int lkey) throws IOException;

        void postSend(long wrId, long address, int length, int lkey) throws IOException;

        void postRead(long wrId, long localAddress, int length, int lkey, long remoteAddress, int rkey)
            throws IOException;

        void postWrite(long wrId, long localAddress, int length, int lkey, long remoteAddress, int rkey)
            throws IOException;

        /** Moves the queue pair to the error state (outstanding work flushes) and tells the peer. Idempotent. */
        void disconnect();

        /** Disconnects and frees the queue pair. */
        void close();
    }

    /** Registers {@code [address, address + length)} with the given access flags. */
    Region register(long address, int length, int access) throws IOException;

    void deregister(Region region);

    /** Connects a queue pair to the peer listening at {@code peer}; fails (IOException) if not done in time. */
    QueuePair connect(InetSocketAddress peer, QueuePairSetup setup, long timeoutMillis) throws IOException;

    /** Accepts the next peer's connection on this node's listening address; null if none came in time. */
    QueuePair accept(QueuePairSetup setup, long timeoutMillis) throws IOException;

    /** Hands the completions that are ready (a bounded batch) to {@code handler}; returns how many. Never blocks. */
    int poll(CompletionHandler handler) throws IOException;

    /** Stops listening and frees the device resources; queue pairs and regions must be closed first. */
    @Override
    void close();
}
