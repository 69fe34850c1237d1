package gcsim.gcmark;

import gcsim.goroutines.GoVersion;

/**
 * Go's {@code GODEBUG=gctrace=1} line, field for field, as printed by
 * {@code gcMarkTermination} in mgc.go:
 *
 * <pre>
 * gc N @Ts P%: a+b+c ms clock, d+e/f/g+h ms cpu, x-&gt;y-&gt;z MB, G MB goal, N P
 * </pre>
 *
 * a, b, c: wall time of sweep termination (STW), concurrent mark, mark
 * termination (STW); d: sweep-termination CPU; e/f/g: assist, background
 * (dedicated + fractional) and idle mark CPU; h: mark-termination CPU; x, y, z:
 * heap at GC start, at mark termination, and live (marked) heap; G: heap goal;
 * N P: GOMAXPROCS. Durations use Go's {@code fmtNSAsMS}; MB are {@code >> 20}. From go1.20
 * (56bdf7f7d9) the line has two more fields before the Ps, {@code S MB stacks, G MB globals}:
 * {@code gcController.lastStackScan} (the stack bytes this cycle scanned; resetLive set it in
 * gcMark) and {@code gcController.globalsScan} (the globals' size).
 */
public final class GcTrace {
    private GcTrace() {}

    /** The gctrace line for one cycle as go1.14 prints it (no trailing newline). */
    public static String line(CycleRecord r) {
        return line(r, GoVersion.DEFAULT);
    }

    /** The gctrace line for one cycle as Go {@code version} prints it (no trailing newline). */
    public static String line(CycleRecord r, GoVersion version) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("gc ").append(r.n())
                .append(" @").append(itoaDiv(r.startNanosSinceInit() / 1_000_000, 3)).append("s ")
                .append(r.cpuUtilisationPercent()).append("%: ")
                .append(fmtNSAsMS(r.stwSweepTermNanos())).append('+')
                .append(fmtNSAsMS(r.concurrentMarkNanos())).append('+')
                .append(fmtNSAsMS(r.stwMarkTermNanos())).append(" ms clock, ")
                .append(fmtNSAsMS(r.sweepTermCpuNanos())).append('+')
                .append(fmtNSAsMS(r.assistCpuNanos())).append('/')
                .append(fmtNSAsMS(r.backgroundCpuNanos())).append('/')
                .append(fmtNSAsMS(r.idleCpuNanos())).append('+')
                .append(fmtNSAsMS(r.markTermCpuNanos())).append(" ms cpu, ")
                .append(r.heapStartBytes() >> 20).append("->")
                .append(r.heapMarkTermBytes() >> 20).append("->")
                .append(r.heapLiveBytes() >> 20).append(" MB, ")
                .append(r.heapGoalBytes() >> 20).append(" MB goal, ");
        if (version.gctraceStacksAndGlobals()) {
            sb.append(r.pacer().stackScanWork() >> 20).append(" MB stacks, ")
                    .append(r.pacer().goalGlobalsBytes() >> 20).append(" MB globals, ");
        }
        sb.append(r.procs()).append(" P");
        if (r.forced()) {
            sb.append(" (forced)");
        }
        return sb.toString();
    }

    /** Go's {@code itoaDiv}: formats val / 10^dec with exactly dec decimals. */
    static String itoaDiv(long val, int dec) {
        char[] buf = new char[24];
        int i = buf.length - 1;
        int idec = i - dec;
        while (val >= 10 || i >= idec) {
            buf[i--] = (char) ('0' + val % 10);
            if (i == idec) {
                buf[i--] = '.';
            }
            val /= 10;
        }
        buf[i] = (char) ('0' + val);
        return new String(buf, i, buf.length - i);
    }

    /**
     * Go's {@code fmtNSAsMS}: whole milliseconds from 10 ms up, else two
     * significant digits with at most three decimals ("0" below 1 µs).
     */
    static String fmtNSAsMS(long ns) {
        if (ns >= 10_000_000) {
            return itoaDiv(ns / 1_000_000, 0);
        }
        long x = ns / 1_000;
        if (x == 0) {
            return "0";
        }
        int dec = 3;
        while (x >= 100) {
            x /= 10;
            dec--;
        }
        return itoaDiv(x, dec);
    }
}
