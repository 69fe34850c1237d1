package gcsim.gcmark;

/**
 * A per-P buffer of pointers queued by the write barrier (Go's {@code wbBuf}, mwbbuf.go). This
 * buffer is flushed to the P's gcWork when it fills up ({@link Barrier#wbBufFlush}) and on GC
 * transitions: gcMarkDone's ragged barrier and its stop-the-world check ({@link MarkDone}), and
 * the stop-the-world mode's flush. Closely related to a "sequential store buffer" (SSB), except
 * that SSBs usually maintain remembered sets, while this is used for marking.
 *
 * <p>Layout as go1.14's: {@value #WB_BUF_ENTRIES} entries of {@value #WB_BUF_ENTRY_POINTERS}
 * pointers each (the overwritten value and the written one), filled by {@link #putFast}, which
 * checks for overflow once per entry. Go keeps {@code next} and {@code end} as addresses into
 * {@code buf}; here they are indexes.
 *
 * <p>Threading: one buffer per P, touched only by the thread that holds the P (its M in the
 * write barrier; forEachP's caller for an idle P; the collector with the world stopped), never
 * by two threads at once; the P handoff orders the accesses (Go: a per-P resource used with no
 * preemption point). Buffered pointers are not yet shaded: until a flush they are the
 * barrier's grey set, which is why gcMarkDone must flush every P's buffer before it may
 * conclude that no grey object is left.
 */
final class WbBuf {
    /** Go's wbBufEntries: the number of write barriers between flushes of the buffer. */
    static final int WB_BUF_ENTRIES = 256;
    /** Go's wbBufEntryPointers: the pointers each write barrier adds to the buffer. */
    static final int WB_BUF_ENTRY_POINTERS = 2;
    /** {@link #next} while a flush processes the buffer: a put meanwhile fails loudly (Go: next = 0). */
    private static final int POISONED = -1;

    /** The buffered pointers; {@code [0, next)} are queued. Go: {@code [wbBufEntryPointers * wbBufEntries]uintptr}. */
    final long[] buf;
    /** The next free slot in {@link #buf} (Go: a pointer, here an index). */
    int next;
    /** Just past the usable end of {@link #buf}. */
    private int end;

    /** Go's size (256 entries). */
    WbBuf() {
        this(WB_BUF_ENTRIES);
    }

    /** A buffer of {@code entries} entries: tests use a small one, as Go's {@code testSmallBuf} does (2). */
    WbBuf(int entries) {
        this.buf = new long[WB_BUF_ENTRY_POINTERS * entries];
        reset();
    }

    /**
     * Go's reset: empties the buffer by resetting next and end. (Go then checks that
     * {@code end - next} is a whole number of entries, "bad write barrier buffer bounds"; here
     * the bounds are {@code entries * 2} by construction, so the check is left out.)
     */
    void reset() {
        next = 0;
        end = buf.length;
    }

    /** Go's discard: resets next but not end (the queued pointers are dropped). */
    void discard() {
        next = 0;
    }

    /** Go's empty: whether the buffer holds no pointers. */
    boolean empty() {
        return next == 0;
    }

    /** The number of queued pointers, then poisons the buffer for the flush that takes them (Go's wbBufFlush1 prologue). */
    int takeForFlush() {
        int n = next;
        next = POISONED;
        return n;
    }

    /**
     * Go's putFast: adds old and new to the buffer and returns false if a flush is necessary
     * (the buffer is now full). The caller flushes before the store, with no preemption point
     * between the put, the flush and the memory write, as in Go:
     * <pre>
     *     if (!buf.putFast(old, new)) wbBufFlush(...);
     *     ... actual memory write ...
     * </pre>
     */
    boolean putFast(long old, long nw) {
        int i = next;
        buf[i] = old;
        buf[i + 1] = nw;
        next = i + WB_BUF_ENTRY_POINTERS;
        return next != end;
    }
}
