package gcsim.heap;

import gcsim.base.GoThrow;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's mSpanList: an intrusive doubly linked list of spans through {@link MSpan#next} /
 * {@link MSpan#prev}. A span is on at most one list ({@link MSpan#list}). Guarded by the lock of
 * whoever owns the list (an mcentral).
 */
final class MSpanList {
    @Nullable MSpan first;
    @Nullable MSpan last;

    boolean isEmpty() {
        return first == null;
    }

    void remove(MSpan span) {
        if (span.list != this) {
            throw new GoThrow("mSpanList.remove");
        }
        MSpan prev = span.prev;
        MSpan next = span.next;
        if (prev == null) {
            first = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            last = prev;
        } else {
            next.prev = prev;
        }
        span.next = null;
        span.prev = null;
        span.list = null;
    }

    /** Inserts at the front (Go's insert). */
    void insert(MSpan span) {
        if (span.next != null || span.prev != null || span.list != null) {
            throw new GoThrow("mSpanList.insert");
        }
        span.next = first;
        if (first != null) {
            first.prev = span;
        } else {
            last = span;
        }
        first = span;
        span.list = this;
    }

    /** Inserts at the back (Go's insertBack). */
    void insertBack(MSpan span) {
        if (span.next != null || span.prev != null || span.list != null) {
            throw new GoThrow("mSpanList.insertBack");
        }
        span.prev = last;
        if (last != null) {
            last.next = span;
        } else {
            first = span;
        }
        last = span;
        span.list = this;
    }
}
