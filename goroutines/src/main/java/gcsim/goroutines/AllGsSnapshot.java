package gcsim.goroutines;

/**
 * The first {@link #length()} Gs of allgs, as gcMarkRootPrepare sees them: Go's {@code
 * work.nStackRoots = int(atomic.Loaduintptr(&allglen))} and later reads of {@code allgs[i]} for
 * {@code i < nStackRoots}. Taking one copies nothing, so the world need not stay stopped for a
 * time proportional to the number of goroutines.
 *
 * <p>Why it is safe: allgs only grows (a G, once made, stays in it for ever; dead Gs are reused,
 * never removed), and growing copies into a new array, so the array held here keeps its first
 * {@code length} entries unchanged for ever. They were written under allglock before the length
 * was read under it. Immutable; any thread.
 */
public final class AllGsSnapshot implements Iterable<G> {
    private final G[] gs;
    private final int length;

    AllGsSnapshot(G[] gs, int length) {
        this.gs = gs;
        this.length = length;
    }

    /** A snapshot holding exactly {@code gs} (tests, and callers that prepare root jobs by hand). */
    public static AllGsSnapshot of(G... gs) {
        return new AllGsSnapshot(gs.clone(), gs.length);
    }

    /** The number of Gs in the snapshot (Go's allglen when it was taken). */
    public int length() {
        return length;
    }

    /** The snapshot's Gs in creation order. */
    @Override
    public java.util.Iterator<G> iterator() {
        return java.util.Arrays.asList(gs).subList(0, length).iterator();
    }

    /** The i-th G ever made, {@code 0 <= i < length()}. */
    public G get(int i) {
        if (i >= length) {
            throw new IndexOutOfBoundsException(i);
        }
        return gs[i];
    }
}
