package gcsim.stacks;

import static gcsim.stacks.StackConstants.PTR_SIZE;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Metadata of one simulated function (Go's {@code _func} with its funcdata): name, frame
 * size (locals only, bytes, a multiple of 8), argument size, {@code nosplit} (no prologue
 * check), {@code conservative} (the frame has no precise pointer maps — Go's
 * {@code asyncPreempt} frame, which holds saved registers — so it and the frame that called
 * it are scanned word by word), and the stack maps: one default map plus overrides at
 * particular pc indexes ("per call site where liveness differs").
 *
 * <p>How the frame is laid out on a stack is {@link FrameLayout}'s business.
 *
 * <p>Immutable after {@link FuncTab#register}, which assigns {@link #id()}; safe to share
 * between threads from then on. Built with {@link #builder(String)}.
 */
public final class FuncInfo {
    private final String name;
    private final int frameSize;
    private final int argSize;
    private final boolean nosplit;
    private final boolean conservative;
    /** Map at pc index i, for i < byPc.length; defaultMap beyond. No nulls. */
    private final StackMap[] byPc;
    private final StackMap defaultMap;

    /** Precomputed for the unwinder: frameSize/8 (index of the return pc from sp). */
    final int frameWords;
    /** Precomputed: frameSize + 8 + argSize, the distance from sp to the caller's sp. */
    final int callBytes;

    /** Assigned once by FuncTab.register; -1 before. */
    private int id = -1;

    private FuncInfo(Builder b) {
        this.name = b.name;
        this.frameSize = b.frameSize;
        this.argSize = b.argSize;
        this.nosplit = b.nosplit;
        this.conservative = b.conservative;
        this.defaultMap = b.defaultMap;
        this.byPc = new StackMap[b.byPc.length];
        for (int i = 0; i < byPc.length; i++) {
            StackMap m = b.byPc[i];
            byPc[i] = m == null ? defaultMap : m;
        }
        this.frameWords = frameSize / PTR_SIZE;
        this.callBytes = frameSize + PTR_SIZE + argSize;
        checkMap(defaultMap);
        for (StackMap m : byPc) {
            checkMap(m);
        }
    }

    /** A builder for a function called {@code name} (Go's {@code funcname}, e.g. "main.f"). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The function id in its {@link FuncTab}; -1 before registration. */
    public int id() {
        return id;
    }

    /** The function's name. */
    public String name() {
        return name;
    }

    /** Bytes of locals (a multiple of 8); the return pc sits right above them. */
    public int frameSize() {
        return frameSize;
    }

    /** Bytes of arguments and results (a multiple of 8), above the return pc. */
    public int argSize() {
        return argSize;
    }

    /** True if the function has no stack-split prologue (Go's {@code //go:nosplit}). */
    public boolean nosplit() {
        return nosplit;
    }

    /** True for a frame without precise pointer maps (asyncPreempt): scanned conservatively. */
    public boolean conservative() {
        return conservative;
    }

    /** The stack map live at {@code pcIndex} (Go's {@code pcdatavalue(_PCDATA_StackMapIndex)} then {@code stackmapdata}). */
    public StackMap stackMapAt(int pcIndex) {
        return pcIndex >= 0 && pcIndex < byPc.length ? byPc[pcIndex] : defaultMap;
    }

    /** The pc of instruction {@code index} of this (registered) function. */
    public long pc(int index) {
        return FuncTab.pcOf(id, index);
    }

    void assignId(int newId) {
        if (id != -1) {
            throw new IllegalStateException(name + " is already registered as function " + id);
        }
        id = newId;
    }

    private void checkMap(StackMap m) {
        if (m.localsExtent() > frameSize / PTR_SIZE || m.argsExtent() > argSize / PTR_SIZE) {
            throw new IllegalArgumentException(name + ": stack map " + m + " exceeds frame "
                    + frameSize + " / args " + argSize);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a {@link FuncInfo}. One thread; not reusable after {@link #build()}. */
    public static final class Builder {
        private final String name;
        private int frameSize;
        private int argSize;
        private boolean nosplit;
        private boolean conservative;
        private StackMap defaultMap = StackMap.EMPTY;
        private @Nullable StackMap[] byPc = new StackMap[0];

        private Builder(String name) {
            this.name = name;
        }

        /** Bytes of locals; a non-negative multiple of 8. */
        public Builder frameSize(int bytes) {
            this.frameSize = checkWords("frameSize", bytes);
            return this;
        }

        /** Bytes of arguments and results; a non-negative multiple of 8. */
        public Builder argSize(int bytes) {
            this.argSize = checkWords("argSize", bytes);
            return this;
        }

        /** Marks the function {@code //go:nosplit}. */
        public Builder nosplit(boolean on) {
            this.nosplit = on;
            return this;
        }

        /** Marks the function's frame as conservatively scanned (asyncPreempt). */
        public Builder conservative(boolean on) {
            this.conservative = on;
            return this;
        }

        /** The stack map at every pc index without an override. */
        public Builder stackMap(StackMap m) {
            this.defaultMap = m;
            return this;
        }

        /** The stack map at {@code pcIndex} (a call site whose liveness differs). */
        public Builder stackMapAt(int pcIndex, StackMap m) {
            if (pcIndex < 0) {
                throw new IllegalArgumentException("pcIndex " + pcIndex);
            }
            if (pcIndex >= byPc.length) {
                byPc = Arrays.copyOf(byPc, pcIndex + 1);
            }
            byPc[pcIndex] = m;
            return this;
        }

        /** The immutable function (unregistered). */
        public FuncInfo build() {
            return new FuncInfo(this);
        }

        private int checkWords(String what, int bytes) {
            if (bytes < 0 || bytes % PTR_SIZE != 0) {
                throw new IllegalArgumentException(what + " must be a non-negative multiple of 8: " + bytes);
            }
            return bytes;
        }
    }
}
