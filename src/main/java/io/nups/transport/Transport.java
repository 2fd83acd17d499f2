package io.nups.transport;

import io.nups.store.Slab;
import io.nups.store.StoreOptions;
import org.agrona.DirectBuffer;

import java.util.List;

/**
 * How nodes talk, shaped like verbs: registered regions with one-sided reads and writes, and two-sided
 * messages that are FIFO per ordered pair of nodes. Upper layers never know which implementation runs.
 *
 * <p>Callbacks ({@link MessageHandler}, {@link OneSidedCompletion}) run on the transport's own threads;
 * they must be short and must copy what they keep, since buffers are reused after they return.
 */
public interface Transport extends AutoCloseable
{
    /** Rank of this node. */
    int rank();

    /** Number of nodes. */
    int nodes();

    /** Short name for logs: "tcp", "shm", "rdma". */
    String name();

    /** Largest message payload a peer accepts; larger sends are refused before anything is sent. */
    int maxMessageLength();

    /**
     * The slab backing this transport can register, derived from what the node asked for. Most transports
     * register any memory; one that maps peers' slabs (shm) needs them to be files it can find. Not a default
     * method, so a decorator cannot forget to forward it.
     */
    StoreOptions slabOptions(StoreOptions requested);

    /** Registers a slab of this node for peers' one-sided access. */
    RegionDescriptor register(Slab slab);

    /** Regions peers registered, learned at start-up, so this node can read and write them. */
    void addRemoteRegions(List<RegionDescriptor> regions);

    /** Receives every message sent to this node. Set once, before {@link #start()}. */
    void messageHandler(MessageHandler handler);

    /** Told when a peer is lost. Set once, before {@link #start()}. */
    void failureHandler(PeerFailureHandler handler);

    /** Connects to all peers; returns once every peer is reachable, or throws naming the one that is not. */
    void start();

    /** Sends {@code buffer[offset, offset + length)} to {@code peer}; the buffer may be reused on return. */
    void send(int peer, DirectBuffer buffer, int offset, int length);

    /**
     * Copies {@code length} bytes at {@code offset} of {@code peer}'s region {@code regionId} into local
     * memory at {@code localAddress}, then calls {@code completion} with {@code token}.
     */
    void read(int peer, int regionId, long offset, int length, long localAddress, long token,
        OneSidedCompletion completion);

    /**
     * Copies {@code length} bytes of local memory at {@code localAddress} to {@code offset} of
     * {@code peer}'s region {@code regionId}; {@code completion} runs once the remote memory holds them.
     */
    void write(int peer, int regionId, long offset, int length, long localAddress, long token,
        OneSidedCompletion completion);

    @Override
    void close();
}
