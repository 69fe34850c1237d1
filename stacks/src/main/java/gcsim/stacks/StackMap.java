package gcsim.stacks;

import java.util.Arrays;

/**
 * Which words of a frame hold live pointers at one pc (Go's locals and args
 * {@code bitvector}s from {@code _FUNCDATA_LocalsPointerMaps}/{@code ArgsPointerMaps}),
 * stored as ascending word indexes so that scanning visits only pointer words and
 * allocates nothing: {@code locals[i]} is the word at {@code sp + 8*locals[i]},
 * {@code args[j]} the word at {@code argp + 8*args[j]} (see {@link FrameLayout}).
 *
 * <p>Immutable; shared freely between threads and functions.
 */
public final class StackMap {
    /** A map with no pointers (Go's empty bitvectors, or {@code NO_LOCAL_POINTERS}). */
    public static final StackMap EMPTY = new StackMap(new int[0], new int[0]);

    final int[] locals;
    final int[] args;

    private StackMap(int[] locals, int[] args) {
        this.locals = locals;
        this.args = args;
    }

    /**
     * A map whose live pointers are the locals words {@code localPtrWords} and the argument
     * words {@code argPtrWords} (word indexes from {@code sp} and from {@code argp}). Indexes
     * are sorted and deduplicated; they are checked against the frame when a
     * {@link FuncInfo} is built.
     */
    public static StackMap of(int[] localPtrWords, int[] argPtrWords) {
        return new StackMap(normalize(localPtrWords), normalize(argPtrWords));
    }

    /**
     * A map from Go-style bitmaps: bit {@code i} of {@code localsBits} set means locals word
     * {@code i} holds a pointer (at most 64 words each).
     */
    public static StackMap ofBits(long localsBits, long argsBits) {
        return new StackMap(bitsToWords(localsBits), bitsToWords(argsBits));
    }

    /** The locals pointer words (a copy), ascending. */
    public int[] localPointerWords() {
        return locals.clone();
    }

    /** The argument pointer words (a copy), ascending. */
    public int[] argPointerWords() {
        return args.clone();
    }

    /** Number of pointer words in locals and args together. */
    public int pointerCount() {
        return locals.length + args.length;
    }

    /** The highest locals word index plus one (0 if none). */
    int localsExtent() {
        return locals.length == 0 ? 0 : locals[locals.length - 1] + 1;
    }

    /** The highest args word index plus one (0 if none). */
    int argsExtent() {
        return args.length == 0 ? 0 : args[args.length - 1] + 1;
    }

    private static int[] normalize(int[] words) {
        int[] w = Arrays.stream(words).distinct().sorted().toArray();
        if (w.length > 0 && w[0] < 0) {
            throw new IllegalArgumentException("negative stack map word " + w[0]);
        }
        return w;
    }

    private static int[] bitsToWords(long bits) {
        int[] w = new int[Long.bitCount(bits)];
        long b = bits;
        for (int i = 0; b != 0; i++) {
            w[i] = Long.numberOfTrailingZeros(b);
            b &= b - 1;
        }
        return w;
    }

    @Override
    public String toString() {
        return "StackMap{locals=" + Arrays.toString(locals) + ", args=" + Arrays.toString(args) + "}";
    }
}
