package gcsim.goroutines;

import gcsim.goroutines.platform.Progress;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link RuntimeEvents} listener that folds every event into a 64-bit
 * digest and keeps the last {@code capacity} events for a dump. Events are
 * recorded with goids, M ids, statuses and sizes, never wall times or
 * latencies, so two runs that made the same transitions in the same order
 * have the same digest: the determinism check of deterministic runs. Its
 * event count is the deterministic platform's {@link Progress}: the watchdog's
 * sign that the model still gets somewhere.
 *
 * <p>Thread safety: every method is synchronized (under a {@link gcsim.goroutines.platform.Baton}
 * only one thread runs, so the order of events is the schedule's).
 */
public final class EventLog implements RuntimeEvents, Progress {
    private static final String[] KINDS = {
        "status", "suspendG", "suspendG done", "stack grow", "stack shrink", "newproc", "goexit", "M runs", "gcphase",
    };
    private static final int STATUS = 0;
    private static final int SUSPEND_BEGIN = 1;
    private static final int SUSPEND_END = 2;
    private static final int STACK = 3; // + kind
    private static final int CREATED = 5;
    private static final int EXITED = 6;
    private static final int M_RUNS = 7;
    private static final int GC_PHASE = 8;

    private final int capacity;
    // Ring of the last events, guarded by this: kind, goid, a, b per event.
    private final int[] kinds;
    private final long[] goids;
    private final long[] as;
    private final long[] bs;
    private final String[] texts;
    private long count;
    private long digest = 0xcbf29ce484222325L; // FNV-1a offset basis

    /** A log keeping the last {@code capacity} events (at least 1). */
    public EventLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        kinds = new int[capacity];
        goids = new long[capacity];
        as = new long[capacity];
        bs = new long[capacity];
        texts = new String[capacity];
    }

    @Override
    public void statusChanged(G gp, int oldval, int newval, @Nullable M mp) {
        record(STATUS, gp.goid, oldval, ((long) newval << 32) | (mp == null ? 0xffffffffL : mp.id), "");
    }

    @Override
    public void suspendBegin(G gp) {
        record(SUSPEND_BEGIN, gp.goid, 0, 0, "");
    }

    @Override
    public void suspendEnd(G gp, boolean dead, boolean stopped, long latencyNanos) {
        record(SUSPEND_END, gp.goid, dead ? 1 : 0, stopped ? 1 : 0, ""); // the latency is a wall time: left out
    }

    @Override
    public void stackCopied(G gp, int kind, long oldSize, long newSize) {
        record(STACK + kind, gp.goid, oldSize, newSize, "");
    }

    @Override
    public void goroutineCreated(G gp) {
        record(CREATED, gp.goid, 0, 0, "");
    }

    @Override
    public void goroutineExited(G gp) {
        record(EXITED, gp.goid, 0, 0, "");
    }

    @Override
    public void mRuns(M mp, @Nullable G gp) {
        record(M_RUNS, gp == null ? 0 : gp.goid, mp.id, 0, "");
    }

    @Override
    public void gcPhase(String phase) {
        record(GC_PHASE, 0, phase.hashCode(), 0, phase);
    }

    private synchronized void record(int kind, long goid, long a, long b, String text) {
        int i = (int) (count % capacity);
        kinds[i] = kind;
        goids[i] = goid;
        as[i] = a;
        bs[i] = b;
        texts[i] = text;
        count++;
        long h = digest;
        h = mix(h, kind);
        h = mix(h, goid);
        h = mix(h, a);
        digest = mix(h, b);
    }

    /** FNV-1a over the 8 bytes of v. */
    private static long mix(long h, long v) {
        for (int s = 0; s < 64; s += 8) {
            h ^= (v >>> s) & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The digest of every event so far, as 16 hex digits. Any thread. */
    public synchronized String digest() {
        return String.format("%016x", digest);
    }

    /** How many events were recorded. Any thread. */
    @Override
    public synchronized long events() {
        return count;
    }

    /** The last events (up to the capacity), oldest first, one line each. Any thread. */
    public synchronized String lastEvents() {
        StringBuilder sb = new StringBuilder();
        long from = Math.max(0, count - capacity);
        for (long n = from; n < count; n++) {
            int i = (int) (n % capacity);
            sb.append('#').append(n).append(' ').append(describe(i)).append('\n');
        }
        return sb.toString();
    }

    private String describe(int i) {
        int k = kinds[i];
        String g = "g" + goids[i];
        return switch (k) {
            case STATUS -> g + " " + GStatus.statusString((int) as[i]) + scan((int) as[i]) + " -> "
                    + GStatus.statusString((int) (bs[i] >>> 32)) + scan((int) (bs[i] >>> 32))
                    + ((bs[i] & 0xffffffffL) == 0xffffffffL ? "" : " on M" + (bs[i] & 0xffffffffL));
            case SUSPEND_END -> KINDS[k] + " " + g + (as[i] != 0 ? " dead" : bs[i] != 0 ? " stopped" : " suspended");
            case STACK, STACK + 1 -> KINDS[k] + " " + g + " " + as[i] + " -> " + bs[i];
            case M_RUNS -> "M" + as[i] + (goids[i] == 0 ? " idle" : " runs " + g);
            case GC_PHASE -> KINDS[k] + " " + texts[i];
            default -> KINDS[k] + " " + g;
        };
    }

    private static String scan(int s) {
        return (s & GStatus.G_SCAN) != 0 ? "+scan" : "";
    }
}
