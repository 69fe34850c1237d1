package gcsim.goroutines;

/**
 * Go's {@code waitReason} (runtime2.go): why a goroutine has been stopped.
 * The ordinals are Go's values and {@link #toString()} is Go's
 * {@code waitReasonStrings} entry, which the goroutine dump prints in place of
 * "waiting".
 *
 * <p>The constants after {@link #PREEMPTED} are later Go's (go1.22 to go1.25, runtime2.go), for the
 * versions that have them ({@link GoVersion}); their ordinals are not Go's values (Go renumbered
 * its list in between). {@link #isWaitingForSuspendG()} is go1.25's {@code isWaitingForSuspendG}
 * (go1.23-go1.24: {@code isWaitingForGC}; go1.22.2 has no such table).
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
    PREEMPTED("preempted"),
    /** go1.22+: gcMarkDone's forEachP caller (the forEachP wrapper, ff7cf2d4cd). */
    GC_MARK_TERMINATION("GC mark termination"),
    /** go1.22+: the execution tracer's traceAdvance while it suspends a goroutine to record its status. */
    TRACE_GOROUTINE_STATUS("trace goroutine status"),
    /** go1.22+: the execution tracer's forEachP caller. */
    TRACE_PROC_STATUS("trace proc status"),
    /** go1.22+: gcMarkTermination's forEachP caller (the mcache flush). */
    FLUSH_PROC_CACHES("flushing proc caches"),
    /** go1.22+: stopTheWorld's caller (go1.25: stopTheWorldWithSema's, c6ac736288). */
    STOPPING_THE_WORLD("stopping the world");

    private final String goString;

    WaitReason(String goString) {
        this.goString = goString;
    }

    /**
     * go1.25's {@code waitReason.isWaitingForSuspendG} (go1.23-go1.24: {@code isWaitingForGC}): the
     * reasons of a G that goes _Gwaiting only so that a suspendG (a stack scan, the execution
     * tracer) can take it while its M waits for everyone else on the system stack; its stack must
     * not be changed meanwhile. Go's table: stopping the world, GC mark termination, garbage
     * collection, garbage collection scan, trace goroutine status, trace proc status, page trace
     * flush (not modelled), GC assist marking, GC worker (active) (gcsim's go1.14 worker keeps its
     * park's reason) and flushing proc caches.
     */
    public boolean isWaitingForSuspendG() {
        return switch (this) {
            case STOPPING_THE_WORLD, GC_MARK_TERMINATION, GARBAGE_COLLECTION, GARBAGE_COLLECTION_SCAN,
                    TRACE_GOROUTINE_STATUS, TRACE_PROC_STATUS, GC_ASSIST_MARKING, FLUSH_PROC_CACHES -> true;
            default -> false;
        };
    }

    /** The reason whose {@link #toString()} is {@code s}; IllegalArgumentException if none. */
    public static WaitReason byGoString(String s) {
        for (WaitReason w : values()) {
            if (w.goString.equals(s)) {
                return w;
            }
        }
        throw new IllegalArgumentException("no wait reason \"" + s + "\"");
    }

    /** Go's {@code waitReasonStrings[w]}. */
    @Override
    public String toString() {
        return goString;
    }
}
