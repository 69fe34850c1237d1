package gcsim.goroutines;

/**
 * Go's {@code waitReason} (runtime2.go): why a goroutine has been stopped.
 * The ordinals are Go's values and {@link #toString()} is Go's
 * {@code waitReasonStrings} entry, which the goroutine dump prints in place of
 * "waiting".
 */
public enum WaitReason {
    ZERO(""),
    GC_ASSIST_MARKING("GC assist marking"),
    IO_WAIT("IO wait"),
    CHAN_RECEIVE_NIL_CHAN("chan receive (nil chan)"),
    CHAN_SEND_NIL_CHAN("chan send (nil chan)"),
    DUMPING_HEAP("dumping heap"),
    GARBAGE_COLLECTION("garbage collection"),
    GARBAGE_COLLECTION_SCAN("garbage collection scan"),
    PANIC_WAIT("panicwait"),
    SELECT("select"),
    SELECT_NO_CASES("select (no cases)"),
    GC_ASSIST_WAIT("GC assist wait"),
    GC_SWEEP_WAIT("GC sweep wait"),
    GC_SCAVENGE_WAIT("GC scavenge wait"),
    CHAN_RECEIVE("chan receive"),
    CHAN_SEND("chan send"),
    FINALIZER_WAIT("finalizer wait"),
    FORCE_GG_IDLE("force gc (idle)"),
    SEMACQUIRE("semacquire"),
    SLEEP("sleep"),
    SYNC_COND_WAIT("sync.Cond.Wait"),
    TIMER_GOROUTINE_IDLE("timer goroutine (idle)"),
    TRACE_READER_BLOCKED("trace reader (blocked)"),
    WAIT_FOR_GC_CYCLE("wait for GC cycle"),
    GC_WORKER_IDLE("GC worker (idle)"),
    PREEMPTED("preempted");

    private final String goString;

    WaitReason(String goString) {
        this.goString = goString;
    }

    /** Go's {@code waitReasonStrings[w]}. */
    @Override
    public String toString() {
        return goString;
    }
}
