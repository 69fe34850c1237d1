package gcsim.goroutines;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Go's {@code sudog}: a G in a channel's wait queue. {@link #elem} is the
 * address of the stack slot the value is sent from or received into: a
 * pointer into the waiting G's stack, which copystack adjusts (Go's
 * adjustsudogs). Fields are guarded by the channel's lock.
 */
final class Sudog {
    final G g;
    final Chan c;
    /** Stack address of the element slot (adjusted when the stack moves). */
    long elem;
    @Nullable Sudog next;
    @Nullable Sudog prev;
    /** Next wait record of the same G (Go's waitlink); channels here use one per G. */
    @Nullable Sudog waitlink;
    /** True when woken by a matching operation, false when woken by close. */
    boolean success;

    Sudog(G g, Chan c, long elem) {
        this.g = g;
        this.c = c;
        this.elem = elem;
    }
}
