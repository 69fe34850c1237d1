package gcsim.heap;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's gcSweepBuf: a set of in-use spans, pushed and popped by several threads. The heap keeps two
 * (mheap_.sweepSpans): {@code sweepSpans[sweepgen/2%2]} holds swept spans,
 * {@code sweepSpans[1-sweepgen/2%2]} unswept ones; adding 2 to sweepgen swaps their roles.
 *
 * <p>We differ from Go on purpose: Go's buffer is lock-free (blocks indexed by an atomic counter);
 * this one is a monitor-guarded array stack. It is touched once per span per cycle, next to a whole
 * span's sweep, so the lock is not the bottleneck.
 */
final class GcSweepBuf {
    private @Nullable MSpan[] spans = new MSpan[256];
    private int index;

    synchronized void push(MSpan s) {
        if (index == spans.length) {
            spans = Arrays.copyOf(spans, spans.length * 2);
        }
        spans[index++] = s;
    }

    /** Removes and returns a span, or null when empty. */
    synchronized @Nullable MSpan pop() {
        if (index == 0) {
            return null;
        }
        MSpan s = spans[--index];
        spans[index] = null;
        return s;
    }

    synchronized int numBlocks() {
        return index;
    }
}
