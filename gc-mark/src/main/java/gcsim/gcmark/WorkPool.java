package gcsim.gcmark;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The global GC work pool (Go's {@code work.full} and {@code work.empty}
 * lock-free stacks, with their factory routines {@code getempty},
 * {@code putempty}, {@code putfull}, {@code trygetfull} and {@code handoff}).
 *
 * <p>Implementation overview: as in Go, both lists are {@code lfstack}s (lfstack.go): one 64-bit
 * head word each, which packs the top buffer with that buffer's push count, and in each buffer
 * the head word that was under it ({@link Workbuf#next}). Push: bump the buffer's count, then CAS
 * the head from what it was (now the buffer's next) to the buffer; pop: read the head, read its
 * buffer's next, CAS the head from the one to the other. The count is what makes the pop's CAS
 * safe: a buffer popped and pushed back between another thread's two reads comes back with a new
 * count, so that thread's CAS fails instead of installing a stale next (ABA; buffers are reused
 * all the time, so the Java heap's GC does not prevent it). Go packs the buffer's address; a
 * buffer here is named by its number in this pool ({@link Workbuf#id}, an index into
 * {@link #buffers}): head = {@code pushcnt << 32 | (id + 1)}, 0 for an empty stack. Nothing is
 * allocated to push or pop (the deque this replaced allocated a node per push), and gcDrain's
 * per-object test {@code work.full == 0} is one load of the head, as in Go.
 *
 * <p>New buffers come from the Java heap in batches of {@code workbufAlloc / _WorkbufSize}
 * = 16, as Go slices a 32 KiB span into 16 buffers; they are numbered and recorded in
 * {@link #buffers} under the pool's lock before any is pushed (Go takes work.wbufSpans.lock).
 *
 * <p>Invariants: a buffer on {@code empty} has {@code nobj == 0}; a buffer on
 * {@code full} has {@code nobj > 0} ("full" means "has work", as in Go:
 * putfull accepts partially full buffers). A buffer is on at most one stack, and then no
 * gcWork holds it. Every method may be called by any thread at any time.
 */
final class WorkPool {
    /** Go's {@code workbufAlloc}: 32 KiB at a time, cut into 2 KiB buffers. */
    static final int WORKBUF_ALLOC = 32 << 10;

    /** Go's work.full: the lfstack of buffers with work (see the class comment; 0: empty). */
    private volatile long full;
    /** Go's work.empty: the lfstack of empty buffers. */
    private volatile long empty;
    /**
     * Every buffer this pool made, at its number. Replaced by a longer copy (under the lock) when
     * a batch does not fit; a buffer's slot is written before the buffer is ever pushed, and a
     * popper reads this field after the head that named the buffer, so it sees the slot.
     */
    private volatile @Nullable Workbuf[] buffers = new Workbuf[0];
    /** Buffers made so far: the next number. Guarded by this pool's monitor. */
    private int made;
    /**
     * Tests only: run once by the next pop between its read of the top buffer's next and its CAS
     * (where another thread's pops and pushes make lfstack's ABA case). The popping thread.
     */
    private @Nullable Runnable popRaceForTest;

    private static final VarHandle FULL;
    private static final VarHandle EMPTY;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FULL = l.findVarHandle(WorkPool.class, "full", long.class);
            EMPTY = l.findVarHandle(WorkPool.class, "empty", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Pops an empty buffer, allocating a batch of new ones when none is free. The caller owns it. */
    Workbuf getempty() {
        Workbuf b = pop(EMPTY);
        if (b != null) {
            b.checkempty();
            return b;
        }
        List<Workbuf> batch = allocate(WORKBUF_ALLOC / Workbuf.WORKBUF_SIZE);
        for (int i = 1; i < batch.size(); i++) {
            push(EMPTY, batch.get(i));
        }
        return batch.get(0);
    }

    /** Makes and numbers n buffers (Go: a span from the heap, cut up). Any thread. */
    private synchronized List<Workbuf> allocate(int n) {
        @Nullable Workbuf[] all = buffers;
        if (made + n > all.length) {
            all = Arrays.copyOf(all, Math.max(2 * all.length, made + n));
        }
        List<Workbuf> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Workbuf b = new Workbuf(made++);
            all[b.id] = b;
            batch.add(b);
        }
        buffers = all;
        return batch;
    }

    /** Gives up an empty buffer the caller owns. */
    void putempty(Workbuf b) {
        b.checkempty();
        push(EMPTY, b);
    }

    /** Gives up a buffer holding work (possibly only partly full) so any worker can take it. */
    void putfull(Workbuf b) {
        b.checknonempty();
        push(FULL, b);
    }

    /** Takes a buffer with work, or returns null when the list is empty at this moment. */
    @Nullable Workbuf trygetfull() {
        Workbuf b = pop(FULL);
        if (b != null) {
            b.checknonempty();
        }
        return b;
    }

    /**
     * Go's {@code handoff}: moves half of {@code b}'s pointers into a new
     * buffer, publishes {@code b} (the first half) on the full list so other
     * workers can steal it, and returns the new buffer to the caller.
     */
    Workbuf handoff(Workbuf b) {
        Workbuf b1 = getempty();
        int n = b.nobj / 2;
        b.nobj -= n;
        b1.nobj = n;
        System.arraycopy(b.obj, b.nobj, b1.obj, 0, n);
        putfull(b);
        return b1;
    }

    /** Whether the global full list is empty now (Go's {@code work.full == 0}): one load. */
    boolean fullIsEmpty() {
        return full == 0;
    }

    /**
     * Go's {@code prepareFreeWorkbufs} check: at the end of mark every buffer
     * must be back on the empty list. Mark termination's coordinator, after the
     * world restarted (as go1.14), with marking off.
     */
    void checkAllEmpty() {
        if (full != 0) {
            throw new gcsim.base.GoThrow("cannot free workbufs when work.full != 0");
        }
    }

    /** Go's {@code work.full} word itself (the packed head: 0 exactly when the list is empty), for throw messages. */
    long fullWord() {
        return full;
    }

    /**
     * Buffers on the full list: walks it, so only exact while nobody pushes or pops (the world
     * stopped, or tests after their threads joined).
     */
    int fullCount() {
        int n = 0;
        for (long h = full; h != 0; h = node(h).next) {
            n++;
        }
        return n;
    }

    long buffersAllocated() {
        synchronized (this) {
            return made;
        }
    }

    /**
     * Go's lfstack.push: {@code node.pushcnt++; new := lfstackPack(node, node.pushcnt)}, then
     * CAS the head from {@code old} to {@code new} with {@code node.next = old}. The caller owns
     * b; after the CAS the stack does.
     */
    private void push(VarHandle head, Workbuf b) {
        b.pushcnt++;
        long packed = ((long) b.pushcnt << 32) | (b.id + 1L);
        if (node(packed) != b) {
            throw new gcsim.base.GoThrow("lfstack.push", "runtime: lfstack.push invalid packing: node=" + b.id
                    + " cnt=0x" + Integer.toHexString(b.pushcnt) + " packed=0x" + Long.toHexString(packed)
                    + " -> node=" + node(packed).id);
        }
        for (;;) {
            long old = (long) head.getVolatile(this);
            b.next = old;
            if (head.compareAndSet(this, old, packed)) {
                return;
            }
        }
    }

    /** Go's lfstack.pop: the top buffer, now the caller's, or null when the stack is empty. */
    private @Nullable Workbuf pop(VarHandle head) {
        for (;;) {
            long old = (long) head.getVolatile(this);
            if (old == 0) {
                return null;
            }
            Workbuf b = node(old);
            long next = b.next;
            Runnable race = popRaceForTest;
            if (race != null) {
                popRaceForTest = null;
                race.run();
            }
            if (head.compareAndSet(this, old, next)) {
                return b;
            }
        }
    }

    /** Tests: {@code race} runs inside the next pop, between its reads and its CAS (see the field). */
    void setPopRaceForTest(Runnable race) {
        popRaceForTest = race;
    }

    /** Go's lfstackUnpack: the buffer a non-zero head word names. */
    private Workbuf node(long word) {
        Workbuf b = buffers[(int) word - 1];
        if (b == null) { // every number in a head word was recorded before it was pushed
            throw new gcsim.base.GoThrow("lfstack: no workbuf numbered " + ((int) word - 1));
        }
        return b;
    }
}
