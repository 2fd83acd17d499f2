package io.nups.transport.rdma;

import io.nups.transport.OneSidedCompletion;
import io.nups.transport.TransportException;
import org.agrona.UnsafeApi;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One-sided reads and writes through a registered staging area: the caller's memory need not be registered. An
 * operation takes one staging chunk per {@code chunkBytes} and posts one RDMA READ or WRITE per chunk; a read
 * copies each chunk out as it lands. A write completes only after a small RDMA READ from the same remote range,
 * posted once every piece completed, has returned: a READ is answered after the WRITEs before it on the queue
 * pair are placed, so remote memory then holds the data (a WRITE's own completion only says the peer's adapter
 * got it). Operations that find too few free chunks wait in order and start as chunks free up; none blocks.
 *
 * <p>Torn copies are not judged here: like a shared-memory copy, an RDMA READ lands in no guaranteed order while
 * the owner writes, and the caller validates the slot (version and checksum), as for every transport.
 */
final class OneSidedOperations
{
    /** Bytes the confirming READ after a write fetches (into a sink nobody reads). */
    static final int CONFIRM_BYTES = 8;

    private final Verbs verbs;
    private final int chunkBytes;
    private final long memory;
    private final long sink;
    private final Verbs.Region region;
    private final int[] freeChunks;
    private int freeCount;
    private final Operation[] owners;
    /** Position of each chunk within its operation. */
    private final int[] pieces;
    private final ArrayDeque<Operation> waiting = new ArrayDeque<>();
    private final ArrayDeque<Operation> pool = new ArrayDeque<>();

    /** An operation in flight or waiting for chunks. */
    static final class Operation
    {
        RdmaPeer peer;
        boolean write;
        long remoteAddress;
        int rkey;
        int length;
        long localAddress;
        long token;
        OneSidedCompletion completion;
        int[] chunks = new int[1];
        int chunkCount;
        int outstanding;
        String error;
    }

    OneSidedOperations(final Verbs verbs, final int chunkBytes, final int chunks) throws IOException
    {
        this.verbs = verbs;
        this.chunkBytes = chunkBytes;
        final long bytes = (long)chunkBytes * chunks + CONFIRM_BYTES;
        memory = UnsafeApi.allocateMemory(bytes);
        sink = memory + (long)chunkBytes * chunks;
        try
        {
            region = verbs.register(memory, (int)bytes, Verbs.ACCESS_LOCAL_WRITE);
        }
        catch (final IOException | RuntimeException ex)
        {
            UnsafeApi.freeMemory(memory);
            throw ex;
        }
        freeChunks = new int[chunks];
        for (int i = 0; i < chunks; i++)
        {
            freeChunks[i] = chunks - 1 - i;
        }
        freeCount = chunks;
        owners = new Operation[chunks];
        pieces = new int[chunks];
    }

    /** Queues an operation; returns it if it got its chunks and may start now, else null (it waits). */
    synchronized Operation submit(final RdmaPeer peer, final boolean write, final long remoteAddress, final int rkey,
        final int length, final long localAddress, final long token, final OneSidedCompletion completion)
    {
        final Operation op = pool.isEmpty() ? new Operation() : pool.poll();
        op.peer = peer;
        op.write = write;
        op.remoteAddress = remoteAddress;
        op.rkey = rkey;
        op.length = length;
        op.localAddress = localAddress;
        op.token = token;
        op.completion = completion;
        op.error = null;
        if (waiting.isEmpty() && assignChunks(op))
        {
            return op;
        }
        waiting.add(op);
        return null;
    }

    private boolean assignChunks(final Operation op)
    {
        final int needed = (op.length + chunkBytes - 1) / chunkBytes;
        if (needed > freeCount)
        {
            return false;
        }
        if (op.chunks.length < needed)
        {
            op.chunks = new int[needed];
        }
        for (int i = 0; i < needed; i++)
        {
            final int chunk = freeChunks[--freeCount];
            op.chunks[i] = chunk;
            owners[chunk] = op;
            pieces[chunk] = i;
        }
        op.chunkCount = needed;
        op.outstanding = needed;
        return true;
    }

    /**
     * Posts every piece of an operation that got its chunks; the peer's monitor keeps its queue pair to one poster.
     * A post that fails ends the operation with that failure once the posted pieces complete; the exception is
     * rethrown for the caller to judge the connection.
     */
    void start(final Operation op) throws IOException
    {
        final RdmaPeer peer = op.peer;
        int posted = 0;
        IOException failure = null;
        synchronized (peer)
        {
            if (peer.failure != null)
            {
                op.error = verb(op) + " " + peer.name + " failed: the connection failed: " + peer.failure;
            }
            else
            {
                try
                {
                    for (; posted < op.chunkCount; posted++)
                    {
                        postPiece(op, posted);
                    }
                }
                catch (final IOException ex)
                {
                    failure = ex;
                    op.error = verb(op) + " " + peer.name + " failed: post refused: " + ex.getMessage();
                }
            }
        }
        final int unposted = op.chunkCount - posted;
        if (unposted > 0 && piecesDone(op, unposted))
        {
            finish(op);
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    private void postPiece(final Operation op, final int piece) throws IOException
    {
        final int chunk = op.chunks[piece];
        final long staging = memory + (long)chunk * chunkBytes;
        final int from = piece * chunkBytes;
        final int bytes = Math.min(chunkBytes, op.length - from);
        final long wrId = WorkRequests.id(WorkRequests.PIECE, op.peer.connection, chunk);
        if (op.write)
        {
            UnsafeApi.copyMemory(op.localAddress + from, staging, bytes);
            op.peer.queuePair().postWrite(wrId, staging, bytes, region.lkey(), op.remoteAddress + from, op.rkey);
        }
        else
        {
            op.peer.queuePair().postRead(wrId, staging, bytes, region.lkey(), op.remoteAddress + from, op.rkey);
        }
    }

    /** Counts {@code count} pieces of {@code op} done; true when none is left. */
    private synchronized boolean piecesDone(final Operation op, final int count)
    {
        op.outstanding -= count;
        return op.outstanding == 0;
    }

    private synchronized Operation owner(final int chunk)
    {
        return owners[chunk];
    }

    /**
     * A piece completed. A read's chunk is copied out; once every piece is done, a write posts its confirming
     * READ and anything else finishes. Returns the operation's failure message (to judge the connection) or null.
     */
    String onPiece(final int chunk, final int status) throws IOException
    {
        final Operation op = owner(chunk);
        if (op == null)
        {
            throw new IllegalStateException("completion for staging chunk " + chunk + ", which no operation holds");
        }
        String failure = null;
        if (status != WcStatus.SUCCESS)
        {
            failure = describe(op, verb(op), status);
            firstError(op, failure);
        }
        else if (!op.write)
        {
            final int from = pieces[chunk] * chunkBytes;
            UnsafeApi.copyMemory(memory + (long)chunk * chunkBytes, op.localAddress + from,
                Math.min(chunkBytes, op.length - from));
        }
        if (piecesDone(op, 1))
        {
            if (op.write && op.error == null)
            {
                confirm(op);
            }
            else
            {
                finish(op);
            }
        }
        return failure;
    }

    private void confirm(final Operation op) throws IOException
    {
        synchronized (op.peer)
        {
            try
            {
                op.peer.queuePair().postRead(WorkRequests.id(WorkRequests.CONFIRM, op.peer.connection, op.chunks[0]),
                    sink, Math.min(CONFIRM_BYTES, op.length), region.lkey(), op.remoteAddress, op.rkey);
                return;
            }
            catch (final IOException ex)
            {
                op.error = verb(op) + " " + op.peer.name + " failed: post of the confirming READ refused: " +
                    ex.getMessage();
            }
        }
        finish(op);
    }

    /** The READ confirming a write completed; returns its failure message or null. */
    String onConfirm(final int chunk, final int status)
    {
        final Operation op = owner(chunk);
        if (op == null)
        {
            throw new IllegalStateException("confirming READ for staging chunk " + chunk + ", which no operation holds");
        }
        String failure = null;
        if (status != WcStatus.SUCCESS)
        {
            failure = describe(op, verb(op), status) + " (on the READ that confirms it)";
            firstError(op, failure);
        }
        finish(op);
        return failure;
    }

    private static String describe(final Operation op, final String verb, final int status)
    {
        final String message = WcStatus.failure(verb, op.peer.name, status);
        final String connection = op.peer.failure;
        return status == WcStatus.WR_FLUSH_ERR && connection != null ? message + " (connection failed: " +
            connection + ")" : message;
    }

    private static String verb(final Operation op)
    {
        return op.write ? "WRITE to" : "READ from";
    }

    private synchronized void firstError(final Operation op, final String error)
    {
        if (op.error == null)
        {
            op.error = error;
        }
    }

    /** Frees the chunks, tells the caller, recycles the operation and starts those that now have chunks. */
    private void finish(final Operation op)
    {
        final List<Operation> ready = new ArrayList<>(0);
        final OneSidedCompletion completion = op.completion;
        final long token = op.token;
        final String error;
        synchronized (this)
        {
            error = op.error;
            for (int i = 0; i < op.chunkCount; i++)
            {
                owners[op.chunks[i]] = null;
                freeChunks[freeCount++] = op.chunks[i];
            }
            op.completion = null;
            op.peer = null;
            pool.add(op);
            while (!waiting.isEmpty() && assignChunks(waiting.peek()))
            {
                ready.add(waiting.poll());
            }
        }
        completion.onComplete(token, error == null ? null : new TransportException(error));
        for (final Operation next : ready)
        {
            try
            {
                start(next);
            }
            catch (final IOException ex)
            {
                // the operation ends with the failure; its connection fails through its flushed work
            }
        }
    }

    /** Ends every operation still in flight or waiting (the transport closes); returns how many. */
    int abandonAll(final String reason)
    {
        final List<Operation> ended = new ArrayList<>();
        synchronized (this)
        {
            for (final Operation op : owners)
            {
                if (op != null && !ended.contains(op))
                {
                    ended.add(op);
                }
            }
            for (final Operation op : waiting)
            {
                op.chunkCount = 0;
                ended.add(op);
            }
            waiting.clear();
            for (final Operation op : ended)
            {
                op.error = (op.error != null ? op.error : verb(op) + " " + op.peer.name + " abandoned") + ": " + reason;
            }
        }
        for (final Operation op : ended)
        {
            finish(op);
        }
        return ended.size();
    }

    /** Deregisters and frees the staging area; no operation may be in flight. */
    void free()
    {
        verbs.deregister(region);
        UnsafeApi.freeMemory(memory);
    }
}
