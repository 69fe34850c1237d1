package gcsim.goroutines;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A piece of the suspension and marking protocol that a run may break on
 * purpose ({@code gcsim run --break PIECE}, {@link SchedConfig#broken()}):
 * an ablation that shows what the piece protects, and the negative control
 * proving that the oracles (checkmark, poisoned freed memory, the mutators'
 * own checks, Go's throws) see the failure it lets in.
 *
 * <p>Every piece is off in a normal run; breaking one is never Go's
 * behaviour. The code that implements a piece asks
 * {@link Sched#broken(ProtocolPiece)} (one final field read of an
 * {@code EnumSet}) at the place where Go does the work, and skips it there.
 * Pieces live in the module that owns the code: the barrier, allocate-black
 * and stack-job pieces in gc-mark, the suspension and shrink pieces here.
 */
public enum ProtocolPiece {
    /** The hybrid barrier's Yuasa half: shade the overwritten pointer. */
    DELETION_BARRIER("deletion-barrier",
            "the write barrier shades the pointer a store overwrites (Yuasa half of the hybrid barrier)"),
    /** The hybrid barrier's Dijkstra half: shade the new pointer while the current stack is grey. */
    INSERTION_BARRIER("insertion-barrier",
            "the write barrier shades the pointer a store writes while the storing goroutine's stack is grey (Dijkstra half)"),
    /** Objects allocated during mark are born marked (gcmarknewobject). */
    ALLOCATE_BLACK("allocate-black", "objects allocated during mark are born marked (gcmarknewobject)"),
    /** markroot's stack job scans the stack before it sets gcscandone. */
    STACK_SCAN("stack-scan", "a stack job scans the goroutine's stack before marking it scanned"),
    /** markroot's stack job suspends the goroutine (suspendG) before scanning its stack. */
    SUSPEND("suspend", "a stack job stops the goroutine (suspendG) before it scans the stack"),
    /** suspendG waits while the G is in _Gcopystack. */
    COPYSTACK_WAIT("copystack-wait", "suspendG waits while the goroutine's stack is being copied (_Gcopystack)"),
    /** isShrinkStackSafe refuses a G between its channel park decision and the unlock (Go #40641). */
    PARKING_ON_CHAN("parking-on-chan",
            "a stack is not shrunk between a channel park's status change and its unlock (parkingOnChan, Go #40641)"),
    /** resumeG readies the G only when its suspendG stopped it (state.stopped). */
    RESUME_STOPPED_ONLY("resume-stopped-only",
            "resumeG readies a goroutine only when its suspendG stopped it (state.stopped)"),
    /** A stack is scanned only while the scanner holds the G's _Gscan bit. */
    SCAN_BIT("scan-bit", "a stack is scanned only while the scanner holds the goroutine's _Gscan bit");

    private final String cliName;
    private final String protects;

    ProtocolPiece(String cliName, String protects) {
        this.cliName = cliName;
        this.protects = protects;
    }

    /** The name {@code --break} takes, e.g. {@code deletion-barrier}. */
    public String cliName() {
        return cliName;
    }

    /** One line: what the piece does in Go, i.e. what breaking it removes. */
    public String protects() {
        return protects;
    }

    /** The piece named {@code name} ({@link #cliName()}, case-insensitive), if any. */
    public static Optional<ProtocolPiece> byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.cliName.equals(n)).findFirst();
    }

    /** The valid names, comma-separated, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(ProtocolPiece::cliName).collect(Collectors.joining(", "));
    }
}
