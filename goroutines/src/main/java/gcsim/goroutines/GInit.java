package gcsim.goroutines;

/**
 * Lays out a new goroutine's first frame (Go's newproc1 copying the
 * arguments onto the new stack). Runs on the creating thread while the new G
 * is still _Gdead and owned by the creator.
 */
@FunctionalInterface
public interface GInit {
    void init(G newg);
}
