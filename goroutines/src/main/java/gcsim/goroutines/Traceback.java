package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_DEAD;
import static gcsim.goroutines.GStatus.G_RUNNING;
import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_SYSCALL;
import static gcsim.goroutines.GStatus.G_WAITING;

import gcsim.stacks.FuncTab;
import gcsim.stacks.Stack;
import gcsim.stacks.Unwinder;

/**
 * The goroutine dump (traceback.go {@code goroutineheader},
 * {@code tracebackothers}): {@code goroutine N [status]:} with Go's status
 * strings and wait reasons, then one line pair per frame. A dump of a
 * running process is best effort, as in Go: a running G's stack is
 * "unavailable", others are read without stopping them.
 */
public final class Traceback {
    private Traceback() {}

    /** Go's goroutineheader: {@code goroutine 7 [chan receive]:}, with " (scan)" and minutes waited. */
    public static String goroutineheader(G gp) {
        int gpstatus = GStatus.readgstatus(gp);
        boolean isScan = (gpstatus & G_SCAN) != 0;
        gpstatus &= ~G_SCAN; // drop the scan bit
        // Basic string status
        String status = GStatus.statusString(gpstatus);
        // Override.
        WaitReason wr = gp.waitreason;
        if (gpstatus == G_WAITING && wr != WaitReason.ZERO) {
            status = wr.toString();
        }
        // approx time the G is blocked, in minutes
        long waitfor = 0;
        long since = gp.waitsince;
        if ((gpstatus == G_WAITING || gpstatus == G_SYSCALL) && since != 0) {
            waitfor = (gp.rt.platform.nanoTime() - since) / 60_000_000_000L;
        }
        StringBuilder sb = new StringBuilder("goroutine ").append(gp.goid).append(" [").append(status);
        if (isScan) {
            sb.append(" (scan)");
        }
        if (waitfor >= 1) {
            sb.append(", ").append(waitfor).append(" minutes");
        }
        return sb.append("]:").toString();
    }

    /** The header and frames of one goroutine. */
    public static String traceback(G gp) {
        return traceback(gp, false);
    }

    /**
     * The header and frames of the goroutine whose M threw ({@link Sched#fatalGoroutine()}):
     * dopanic_m's {@code goroutineheader(gp); traceback(pc, sp, 0, gp)}. It is still _Grunning,
     * but its M is gone and the interpreter saved the pc and sp of the throw, so its frames are
     * readable. Call only after the runtime has exited.
     */
    public static String tracebackThrowing(G gp) {
        return traceback(gp, true);
    }

    private static String traceback(G gp, boolean threw) {
        StringBuilder sb = new StringBuilder(goroutineheader(gp)).append('\n');
        int s = GStatus.readgstatus(gp) & ~G_SCAN;
        Stack st = gp.stack;
        if (s == G_RUNNING && !threw) {
            sb.append("\tgoroutine running on other thread; stack unavailable\n");
            return sb.toString();
        }
        if (st == null || gp.pc == 0) {
            return sb.toString();
        }
        try {
            new Unwinder(gp.rt.functab()).gentraceback(st, gp.pc, gp.sp, frame -> {
                sb.append(frame.fn().name()).append("(...)\n\tpc=").append(Throw.hex(frame.pc()))
                        .append(" [").append(FuncTab.pcIndex(frame.pc())).append("] sp=")
                        .append(Throw.hex(frame.sp())).append('\n');
                return true;
            });
        } catch (RuntimeException | Error e) {
            sb.append("\t...stack changed while dumping: ").append(e.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** Every goroutine that is not dead (Go's tracebackothers), separated by blank lines. */
    public static String dump(Sched rt) {
        StringBuilder sb = new StringBuilder();
        for (G gp : rt.allgs()) {
            if ((GStatus.readgstatus(gp) & ~G_SCAN) == G_DEAD || gp.isSystemGoroutine()) {
                continue; // tracebackothers skips system goroutines at the default GOTRACEBACK
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(traceback(gp));
        }
        return sb.toString();
    }
}
