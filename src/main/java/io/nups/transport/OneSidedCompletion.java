package io.nups.transport;

/** Completion of a one-sided read or write; {@code error} is null on success. */
@FunctionalInterface
public interface OneSidedCompletion
{
    void onComplete(long token, TransportException error);
}
