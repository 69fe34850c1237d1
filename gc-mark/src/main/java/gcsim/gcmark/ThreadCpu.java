package gcsim.gcmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CPU time of the calling thread (gcsim's addition, for the mark workers' record): what Go's
 * gctrace "cpu" figures and the anchors' rusage measure, where the workers' own times
 * (dedicatedMarkTime and the others) are wall time while they ran and so include the time the OS
 * did not run their thread. The JVM's per-thread CPU clock ({@code CLOCK_THREAD_CPUTIME_ID} on
 * Linux, about a microsecond a read); 0 everywhere when the JVM has none. Any thread, no state.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();

    private ThreadCpu() {}

    /** The calling thread's CPU time in nanoseconds (an arbitrary origin), or 0 when unsupported. */
    static long now() {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
