package gcsim.heap;

import gcsim.base.GoThrow;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectLongHashMap;

/**
 * The globals area: Go's data and bss segments. Variables are defined once, laid out one after
 * another from {@link #BASE}, each with a pointer bitmap; the area is a GC root.
 *
 * <p>For the collector the area is cut into root blocks of {@link #rootBlockBytes} (Go's
 * rootBlockBytes, 256 KiB), each a separate mark job ({@code markrootBlock}). Storage is one
 * {@code long[]} chunk per root block, so growing the area never moves a word: a store racing
 * with {@link #define} is never lost.
 *
 * <p>{@link #define} is synchronized (program set-up, any thread). Word reads and writes and
 * {@link #scanRootBlock} need no lock; a reader must have learned the address from define
 * through a happens-before edge.
 */
public final class Globals {
    /** Start of the globals area (CONTRACTS.md). */
    public static final long BASE = 0x0000_0000_0060_0000L;
    /** Go's rootBlockBytes: the unit of data/bss root scanning. */
    public static final int rootBlockBytes = 256 << 10;
    static final int rootBlockWords = rootBlockBytes >>> 3;
    /** The area may grow to 1 GiB (4096 root blocks). */
    public static final long MAX_BYTES = 1L << 30;

    private volatile long[][] chunks = new long[0][];
    private volatile long[][] ptrBits = new long[0][];
    /** Bytes defined so far; the area is [BASE, BASE + size). Written under the monitor. */
    private volatile long size;
    private final ObjectLongHashMap<String> byName = new ObjectLongHashMap<>();

    Globals() {}

    /**
     * Defines a global variable of {@code words} words whose pointer words are the set bits of
     * {@code ptrBitmap}, zeroed; returns its address. Any thread; names are unique.
     */
    public synchronized long define(String name, int words, long[] ptrBitmap) {
        if (words < 1) {
            throw new IllegalArgumentException("global " + name + " needs at least one word");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("global " + name + " already defined");
        }
        long addr = BASE + size;
        long newSize = size + ((long) words << 3);
        if (newSize > MAX_BYTES) {
            throw new GoThrow("out of memory", "globals area exceeds " + MAX_BYTES + " bytes");
        }
        ensureChunks(newSize);
        long[][] bits = ptrBits;
        for (int w = 0; w < words; w++) {
            if ((w >>> 6) < ptrBitmap.length && (ptrBitmap[w >>> 6] & (1L << w)) != 0) {
                long global = ((addr - BASE) >>> 3) + w;
                bits[(int) (global / rootBlockWords)][(int) (global % rootBlockWords) >>> 6] |= 1L << global;
            }
        }
        byName.put(name, addr);
        size = newSize;
        return addr;
    }

    /** The address of a defined global. Any thread. */
    public synchronized long addressOf(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("no global named " + name);
        }
        return byName.get(name);
    }

    /** Bytes defined so far. */
    public long size() {
        return size;
    }

    /** Whether addr is a word of a defined global. */
    public boolean contains(long addr) {
        return addr >= BASE && addr < BASE + size;
    }

    /** Whether the word at addr is a pointer slot. */
    public boolean isPointerSlot(long addr) {
        if (!contains(addr)) {
            return false;
        }
        long global = (addr - BASE) >>> 3;
        long[] bits = ptrBits[(int) (global / rootBlockWords)];
        return (bits[(int) (global % rootBlockWords) >>> 6] & (1L << global)) != 0;
    }

    /** Number of root blocks (Go's nDataBlocks + nBSSBlocks, one area here). */
    public int rootBlockCount() {
        return (int) ((size + rootBlockBytes - 1) / rootBlockBytes);
    }

    /**
     * Go's markrootBlock for block i: visits every pointer slot of the block that holds a non-nil
     * value (scanblock skips nil). Called by a mark worker; any number of blocks at once.
     */
    public void scanRootBlock(int i, PointerVisitor v) {
        if (i < 0 || i >= rootBlockCount()) {
            throw new GoThrow("markrootBlock: bad block", "runtime: block " + i + " of " + rootBlockCount());
        }
        long[] words = chunks[i];
        long[] bits = ptrBits[i];
        long blockBase = BASE + (long) i * rootBlockBytes;
        for (int w = 0; w < bits.length; w++) {
            for (long b = bits[w]; b != 0; b &= b - 1) {
                int word = (w << 6) + Long.numberOfTrailingZeros(b);
                long value = words[word];
                if (value != 0) {
                    v.visit(blockBase + ((long) word << 3), value);
                }
            }
        }
    }

    long read(long addr) {
        long global = (addr - BASE) >>> 3;
        return chunks[(int) (global / rootBlockWords)][(int) (global % rootBlockWords)];
    }

    void write(long addr, long value) {
        long global = (addr - BASE) >>> 3;
        chunks[(int) (global / rootBlockWords)][(int) (global % rootBlockWords)] = value;
    }

    private void ensureChunks(long newSize) {
        int needed = (int) ((newSize + rootBlockBytes - 1) / rootBlockBytes);
        if (needed <= chunks.length) {
            return;
        }
        long[][] c = new long[needed][];
        long[][] b = new long[needed][];
        for (int i = 0; i < needed; i++) {
            c[i] = i < chunks.length ? chunks[i] : new long[rootBlockWords];
            b[i] = i < ptrBits.length ? ptrBits[i] : new long[rootBlockWords >>> 6];
        }
        ptrBits = b;
        chunks = c;
    }

}
