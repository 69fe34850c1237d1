package gcsim.goroutines;

import gcsim.heap.GoThrow;

/**
 * Go's {@code print(...); throw(msg)} pair: the diagnostic lines Go prints
 * become the throw's {@code detail}, the throw becomes a {@link GoThrow} whose message is
 * exactly Go's string (grep Go's source for it).
 *
 * <p>Callable from any thread. A throw is fatal to the simulated process: an M
 * that catches one at its top level records it with
 * {@link Sched#fatal(Throwable)} and the runtime stops.
 */
final class Throw {
    private Throw() {}

    /** Go's {@code throw(msg)}: returns the error for the caller to {@code throw}. */
    static GoThrow fatal(String msg) {
        return new GoThrow(msg);
    }

    /** Go's {@code print(detail); throw(msg)}. */
    static GoThrow fatal(String detail, String msg) {
        return new GoThrow(msg, detail);
    }

    /** Go's {@code hex(v)} as {@code print} formats it. */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
