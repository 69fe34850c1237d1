package gcsim.heap;

/**
 * How to build a {@link Heap}.
 *
 * @param procs number of Ps, hence of per-P caches ({@link Heap#mcache(int)}); at least 1
 * @param gogc Go's GOGC percentage; 100 by default; negative means "off" (goal never reached)
 * @param maxArenas upper bound on 64 MiB arenas the heap may grow to (the simulated address
 *     space reserved from {@link Heap#ARENA_BASE}); arenas are allocated lazily
 */
public record HeapConfig(int procs, int gogc, int maxArenas) {
    /** Go's default GOGC. */
    public static final int DEFAULT_GOGC = 100;
    /** 1024 arenas: 64 GiB of simulated address space, only what is used is backed. */
    public static final int DEFAULT_MAX_ARENAS = 1024;

    public HeapConfig {
        if (procs < 1) {
            throw new IllegalArgumentException("procs must be at least 1: " + procs);
        }
        if (maxArenas < 1 || maxArenas > (1 << 16)) {
            throw new IllegalArgumentException("maxArenas out of range: " + maxArenas);
        }
    }

    /** {@code procs} Ps, GOGC=100, the default address space. */
    public static HeapConfig of(int procs) {
        return new HeapConfig(procs, DEFAULT_GOGC, DEFAULT_MAX_ARENAS);
    }

    /** The same configuration with another GOGC. */
    public HeapConfig withGogc(int newGogc) {
        return new HeapConfig(procs, newGogc, maxArenas);
    }

    /** The same configuration with another arena limit. */
    public HeapConfig withMaxArenas(int newMaxArenas) {
        return new HeapConfig(procs, gogc, newMaxArenas);
    }
}
