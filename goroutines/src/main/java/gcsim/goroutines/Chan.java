package gcsim.goroutines;

import gcsim.goroutines.platform.Platform;
import gcsim.stacks.Stack;
import java.util.concurrent.locks.ReentrantLock;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A channel of words (Go's {@code hchan}, chan.go): a ring buffer of
 * {@code dataqsiz} elements and queues of waiting senders and receivers.
 * Elements are 64-bit words; when {@link #elemIsPointer} they are heap
 * pointers and the buffer is a GC root ({@link #forEachBufferedPointer}).
 *
 * <p>A blocked G parks in _Gwaiting with reason "chan send"/"chan receive"
 * and a {@link Sudog} whose {@code elem} points at its stack slot; the
 * matching operation copies directly to/from that slot under {@link #lock}
 * (Go's sendDirect/recvDirect) and then readies the G after unlocking.
 * Everything here is guarded by {@link #lock}; stack shrinking of a blocked G
 * takes it too, so the direct copy never sees a stack being moved.
 */
public final class Chan {
    final ReentrantLock lock = new ReentrantLock();
    /**
     * How lock is taken (the runtime's platform; set by {@link MutatorSupport#makechan}
     * for the program that owns the channel, before any thread uses it).
     */
    Platform platform = Platform.REAL;
    final int dataqsiz;
    final boolean elemIsPointer;
    private final long[] buf;
    private int qcount;
    private int sendx;
    private int recvx;
    private @Nullable Sudog recvqFirst;
    private @Nullable Sudog recvqLast;
    private @Nullable Sudog sendqFirst;
    private @Nullable Sudog sendqLast;

    /** A channel with {@code size} buffer slots (0: unbuffered). */
    public Chan(int size, boolean elemIsPointer) {
        if (size < 0) {
            throw new IllegalArgumentException("makechan: size out of range");
        }
        this.dataqsiz = size;
        this.elemIsPointer = elemIsPointer;
        this.buf = new long[size];
    }

    /** Buffered element count. Any thread (locks). */
    public int len() {
        platform.lock(lock);
        try {
            return qcount;
        } finally {
            lock.unlock();
        }
    }

    /** Visits buffered pointer elements (a GC root); the world should be stopped or the caller tolerant. */
    public void forEachBufferedPointer(java.util.function.LongConsumer v) {
        if (!elemIsPointer) {
            return;
        }
        platform.lock(lock);
        try {
            for (int i = 0, x = recvx; i < qcount; i++, x = (x + 1) % dataqsiz) {
                if (buf[x] != 0) {
                    v.accept(buf[x]);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- chan.go chansend / chanrecv, blocking forms: the interpreter's SEND and RECV ----
    // Called through MutatorSupport by the thread of M mp while mp runs gp; rt is gp's runtime.

    /** Returns true when gp must park (the wait is prepared); false when done. */
    boolean chansend(Sched rt, M mp, G gp, long slot) {
        Stack st = stackOf(gp);
        long v = st.read(slot);
        rt.platform.lock(lock);
        Sudog sg = dequeueRecv();
        if (sg != null) {
            // Found a waiting receiver: copy directly to its stack slot.
            G rg = sg.g;
            stackOf(rg).write(sg.elem, v);
            shade(rt, v);
            sg.elem = 0; // Go's send: sg.elem = nil (releaseSudog checks it)
            sg.success = true;
            lock.unlock();
            // The receiver has its value and its wait record is cleared, but it is not
            // runnable yet: a stack job may hold it, and its M may still be in park_m.
            rt.platform.schedulingPoint("chansend: unlocked, receiver not readied");
            rt.goready(rg);
            return false;
        }
        if (dataqsiz > 0 && !bufFull()) {
            // typedmemmove into the buffer: the write barrier shades the new value.
            shade(rt, v);
            bufPut(v);
            lock.unlock();
            return false;
        }
        // Block on the channel. Someone from a receiver will complete our operation.
        parkOnChan(mp, gp, slot, true);
        return true;
    }

    /** Returns true when gp must park; false when done. */
    boolean chanrecv(Sched rt, M mp, G gp, long slot) {
        Stack st = stackOf(gp);
        rt.platform.lock(lock);
        Sudog sg = dequeueSend();
        if (sg != null) {
            G sgp = sg.g;
            long v;
            if (dataqsiz == 0) {
                // recvDirect: stack to stack, with typeBitsBulkBarrier shading the value.
                v = stackOf(sgp).read(sg.elem);
                shade(rt, v);
            } else {
                // Queue is full: take the head, put the sender's value at the tail;
                // the buffer slot's old and new values are both shaded.
                long sent = stackOf(sgp).read(sg.elem);
                shade(rt, sent);
                v = bufTakeAndPut(sent);
                shade(rt, v);
            }
            st.write(slot, v);
            sg.elem = 0; // Go's recv: sg.elem = nil (releaseSudog checks it)
            sg.success = true;
            lock.unlock();
            rt.platform.schedulingPoint("chanrecv: unlocked, sender not readied");
            rt.goready(sgp);
            return false;
        }
        if (dataqsiz > 0 && !bufEmpty()) {
            // typedmemclr of the buffer slot: the write barrier shades the old value.
            long v = bufTake();
            shade(rt, v);
            st.write(slot, v);
            lock.unlock();
            return false;
        }
        parkOnChan(mp, gp, slot, false);
        return true;
    }

    /** Enqueues gp's wait record and gopark's with chanparkcommit (unlocks after the G is waiting). */
    private void parkOnChan(M mp, G gp, long slot, boolean send) {
        Sudog mysg = new Sudog(gp, this, slot);
        gp.waiting = mysg;
        if (send) {
            enqueueSend(mysg);
        } else {
            enqueueRecv(mysg);
        }
        // Signal to anyone trying to shrink our stack that we're about to park on a
        // channel. The window between when this G's status changes and when we set
        // gp.activeStackChans is not safe for stack shrinking.
        gp.parkingOnChan = true;
        Sched.gopark(mp, gp, () -> chanparkcommit(gp), send ? WaitReason.CHAN_SEND : WaitReason.CHAN_RECEIVE);
    }

    /**
     * Go's chanparkcommit, park_m's unlockf: gp is _Gwaiting and off its M, whose
     * thread runs this with the channel lock still held. From here on a partner may
     * copy into gp's stack (activeStackChans), and a shrink may take gp again.
     */
    private void chanparkcommit(G gp) {
        if ((GStatus.readgstatus(gp) & GStatus.G_SCAN) != 0) {
            // Not Go: a race amplifier, the same in every version. A suspender took gp in
            // the window between park_m's status change and this unlock (Go #40641's
            // window); yield so that what it does with gp now (scan, maybe shrink) overlaps
            // the unlock and the partner's copy, as it does on a machine with more cores than
            // gcsim's threads get. Whether the shrink may happen is the version's rule
            // (isShrinkStackSafe); a claim here is rare, so the yield costs nothing otherwise.
            gp.rt.platform.yield();
        }
        gp.activeStackChans = true;
        gp.parkingOnChan = false;
        lock.unlock();
    }

    private void shade(Sched rt, long v) {
        GcHooks h = rt.gcHooks;
        if (elemIsPointer && v != 0 && h != null) {
            h.shadeStackWrite(v);
        }
    }

    private static Stack stackOf(G g) {
        Stack s = g.stack;
        if (s == null) {
            throw Throw.fatal("runtime: g has no stack");
        }
        return s;
    }

    // ---- the queues and the buffer, with lock held ----

    /** A waiting receiver, dequeued, or null. */
    @Nullable Sudog dequeueRecv() {
        Sudog sg = recvqFirst;
        if (sg != null) {
            recvqFirst = sg.next;
            if (recvqFirst == null) {
                recvqLast = null;
            }
            sg.next = null;
        }
        return sg;
    }

    /** A waiting sender, dequeued, or null. */
    @Nullable Sudog dequeueSend() {
        Sudog sg = sendqFirst;
        if (sg != null) {
            sendqFirst = sg.next;
            if (sendqFirst == null) {
                sendqLast = null;
            }
            sg.next = null;
        }
        return sg;
    }

    void enqueueRecv(Sudog sg) {
        if (recvqLast == null) {
            recvqFirst = sg;
        } else {
            recvqLast.next = sg;
        }
        recvqLast = sg;
    }

    void enqueueSend(Sudog sg) {
        if (sendqLast == null) {
            sendqFirst = sg;
        } else {
            sendqLast.next = sg;
        }
        sendqLast = sg;
    }

    boolean bufFull() {
        return qcount == dataqsiz;
    }

    boolean bufEmpty() {
        return qcount == 0;
    }

    void bufPut(long v) {
        buf[sendx] = v;
        sendx = (sendx + 1) % dataqsiz;
        qcount++;
    }

    long bufTake() {
        long v = buf[recvx];
        buf[recvx] = 0;
        recvx = (recvx + 1) % dataqsiz;
        qcount--;
        return v;
    }

    /**
     * Go's recv on a full buffer with a waiting sender: take the head, and put
     * the sender's value at the tail (the same slot).
     */
    long bufTakeAndPut(long sent) {
        long v = buf[recvx];
        buf[recvx] = sent;
        recvx = (recvx + 1) % dataqsiz;
        sendx = recvx;
        return v;
    }
}
