package gcsim.gcmark;

import java.util.Locale;

/**
 * How the collector runs.
 *
 * @param workers    0: Go's controller decides the background mark workers each cycle
 *                   (25% of GOMAXPROCS: dedicated workers, fractional ones when rounding is
 *                   off by more than 30%, idle ones on idle Ps; see {@link GcController});
 *                   N > 0: gcsim's override ({@code --workers N}, not Go's default): N
 *                   dedicated workers (at most GOMAXPROCS), no fractional ones
 * @param mode       concurrent mark (Go) or stop-the-world mark (for comparison)
 * @param checkmark  re-mark with the world stopped after every cycle and
 *                   verify (Go's {@code GODEBUG=gccheckmark=1})
 * @param autoTrigger start a cycle when the heap reaches its trigger (Go's
 *                   gcTriggerHeap); off means cycles run only on request
 * @param stackScan  how concurrent mark takes goroutine stacks ({@code --stack-scan}):
 *                   BLOCKING is the go1.14 markroot (suspendG each G in turn);
 *                   TWO_PHASE is gcsim's answer to mgcmark.go's TODO (see {@link Roots})
 *
 * <p>Pieces broken on purpose ({@code --break}, e.g. the write barrier's two
 * halves) are not here: the collector reads them from its Sched's
 * {@link gcsim.goroutines.SchedConfig#broken()}.
 */
public record GcConfig(int workers, Mode mode, boolean checkmark, boolean autoTrigger, StackScanStrategy stackScan) {
    /**
     * How the mark phase runs ({@code --mode}): concurrent mark as Go does it,
     * or everything with the world stopped. The one enum for this concept:
     * the command line parses into it and the JSON report echoes its
     * {@link #text()}.
     */
    public enum Mode {
        /** Go's way: short stops around a concurrent mark that scans one goroutine at a time. */
        CONCURRENT,
        /** For comparison: stop every goroutine, mark everything, start them. */
        STW;

        /** The spelling on the command line and in the JSON ("concurrent", "stw"). */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How concurrent mark takes the goroutine stacks ({@code --stack-scan}).
     * Not to be confused with {@link gcsim.stacks.StackScan}, the scanner of
     * one stack that both strategies use. The command line parses into this
     * enum and the JSON report echoes its {@link #text()}.
     */
    public enum StackScanStrategy {
        /** The go1.14 markroot: suspendG every goroutine in turn. */
        BLOCKING,
        /** mgcmark.go's TODO: take idle stacks first, let running goroutines scan themselves, block for the rest. */
        TWO_PHASE;

        /** The spelling on the command line and in the JSON ("blocking", "two-phase"). */
        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The go1.14 markroot's blocking stack scan. */
    public GcConfig(int workers, Mode mode, boolean checkmark, boolean autoTrigger) {
        this(workers, mode, checkmark, autoTrigger, StackScanStrategy.BLOCKING);
    }

    public GcConfig {
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be 0 (Go's controller) or more: " + workers);
        }
    }

    /**
     * Concurrent mark, checkmark on, cycles on the heap trigger; {@code workers} dedicated
     * workers, or 0 for Go's controller.
     */
    public static GcConfig defaults(int workers) {
        return new GcConfig(workers, Mode.CONCURRENT, true, true);
    }

    public GcConfig withMode(Mode m) {
        return new GcConfig(workers, m, checkmark, autoTrigger, stackScan);
    }

    public GcConfig withCheckmark(boolean on) {
        return new GcConfig(workers, mode, on, autoTrigger, stackScan);
    }

    public GcConfig withAutoTrigger(boolean on) {
        return new GcConfig(workers, mode, checkmark, on, stackScan);
    }

    public GcConfig withStackScan(StackScanStrategy ss) {
        return new GcConfig(workers, mode, checkmark, autoTrigger, ss);
    }
}
