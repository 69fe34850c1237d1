package gcsim.heap;

import java.util.Arrays;

/**
 * The type of a simulated heap object: a name, a size in 8-byte words and a pointer bitmap (bit
 * {@code w % 64} of {@code ptrBitmap[w / 64]} set means word {@code w} holds a pointer). It plays the
 * part of Go's {@code _type} ({@code size}, {@code ptrdata}, {@code gcdata}).
 *
 * <p>Immutable and shared by any number of threads and heaps. Nothing registers a type: a span
 * holds the references to the types of its objects (one, or one per slot once it holds several;
 * see {@code MSpan.onlyType}), so {@link Heap#typeOf} reads the type from the span (Go instead
 * writes the type's pointer bits into the heap bitmap at allocation), and no static state grows
 * with the types a JVM makes.
 */
public final class ObjectType {
    private final String name;
    private final int sizeWords;
    private final long[] ptrBitmap;
    private final int[] pointerWords;
    /**
     * The pointer bitmap itself when every pointer is in the first 64 words (the marker walks its
     * set bits, one register, no array), else 0 with {@link #ptrMaskWhole} false.
     */
    final long ptrMask;
    /** Whether {@link #ptrMask} is the whole bitmap. */
    final boolean ptrMaskWhole;
    /** Go's spanClass for small objects (sizeclass << 1 | noscan); -1 for large objects. */
    final int spanClass;
    /** Go's {@code _type.ptrdata}; see {@link #ptrdataBytes()}. Read per object by the marker. */
    final int ptrdata;

    /**
     * Makes a type. Any thread may call.
     *
     * @param sizeWords at least 1 (Go's zero-size objects all share zerobase; not modelled)
     * @param ptrBitmap bit per word; bits at or beyond {@code sizeWords} must be clear
     */
    public ObjectType(String name, int sizeWords, long[] ptrBitmap) {
        if (sizeWords < 1) {
            throw new IllegalArgumentException("object type " + name + " needs at least one word");
        }
        if ((long) sizeWords * 8 > Heap.heapArenaBytes) {
            throw new IllegalArgumentException(
                    "object type " + name + " is larger than an arena (" + Heap.heapArenaBytes + " bytes)");
        }
        this.name = name;
        this.sizeWords = sizeWords;
        checkBitsWithinSize(name, sizeWords, ptrBitmap);
        this.ptrBitmap = Arrays.copyOf(ptrBitmap, (sizeWords + 63) >>> 6);
        this.pointerWords = pointerWordsOf(this.ptrBitmap);
        this.ptrMaskWhole = this.pointerWords.length == 0 || this.pointerWords[this.pointerWords.length - 1] < 64;
        this.ptrMask = this.ptrMaskWhole && this.ptrBitmap.length > 0 ? this.ptrBitmap[0] : 0;
        this.ptrdata = this.pointerWords.length == 0 ? 0 : (this.pointerWords[this.pointerWords.length - 1] + 1) << 3;
        int size = sizeBytesOf(sizeWords);
        this.spanClass = size <= SizeClasses._MaxSmallSize
                ? SizeClasses.makeSpanClass(SizeClasses.sizeToClass(size), noscan())
                : -1;
    }

    /** A type with no pointers (Go's noscan objects). */
    public static ObjectType scalars(String name, int sizeWords) {
        return new ObjectType(name, sizeWords, new long[0]);
    }

    /** A type whose pointers are at the given word indexes. */
    public static ObjectType withPointers(String name, int sizeWords, int... pointerWordIndexes) {
        long[] bits = new long[(sizeWords + 63) >>> 6];
        for (int w : pointerWordIndexes) {
            if (w < 0 || w >= sizeWords) {
                throw new IllegalArgumentException("pointer word " + w + " outside " + name);
            }
            bits[w >>> 6] |= 1L << w;
        }
        return new ObjectType(name, sizeWords, bits);
    }

    public String name() {
        return name;
    }

    public int sizeWords() {
        return sizeWords;
    }

    /** The size in bytes ({@code 8 * sizeWords}); the allocated slot may be larger (size class). */
    public int sizeBytes() {
        return sizeBytesOf(sizeWords);
    }

    /**
     * Go's {@code _type.ptrdata}: the bytes of the prefix of the object that holds pointers, up to
     * and including its last pointer word; 0 for a noscan type. What mallocgc counts as the
     * object's scannable size (go1.14's {@code c.local_scan += typ.ptrdata}) and, from go1.16, the
     * scan work scanobject reports for it.
     */
    public int ptrdataBytes() {
        return ptrdata;
    }

    public boolean isPointer(int word) {
        return word >= 0 && word < sizeWords && (ptrBitmap[word >>> 6] & (1L << word)) != 0;
    }

    /** Word indexes holding pointers, ascending. The caller must not modify the array. */
    public int[] pointerWords() {
        return pointerWords;
    }

    /** True when the type holds no pointers: the GC never scans it (Go's noscan). */
    public boolean noscan() {
        return pointerWords.length == 0;
    }

    @Override
    public String toString() {
        return name + "(" + sizeWords + " words, ptrs " + Arrays.toString(pointerWords) + ")";
    }

    private static int sizeBytesOf(int sizeWords) {
        return sizeWords << 3;
    }

    private static void checkBitsWithinSize(String name, int sizeWords, long[] bitmap) {
        for (int i = 0; i < bitmap.length; i++) {
            if (bitmap[i] != 0 && (i << 6) + 63 - Long.numberOfLeadingZeros(bitmap[i]) >= sizeWords) {
                throw new IllegalArgumentException("pointer bit beyond the object's size in " + name);
            }
        }
    }

    private static int[] pointerWordsOf(long[] bitmap) {
        int n = 0;
        for (long b : bitmap) {
            n += Long.bitCount(b);
        }
        int[] words = new int[n];
        int k = 0;
        for (int i = 0; i < bitmap.length; i++) {
            for (long b = bitmap[i]; b != 0; b &= b - 1) {
                words[k++] = (i << 6) + Long.numberOfTrailingZeros(b);
            }
        }
        return words;
    }
}
