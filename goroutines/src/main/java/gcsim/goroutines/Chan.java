package gcsim.goroutines;

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
     * How lock is taken (the runtime's platform; set by the {@link Interp}
     * that owns the channel, before any thread uses it).
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

    // ---- called by the interpreter on the running G's M, with lock held ----

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
