package gcsim.goroutines.mutator;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The mutator's instruction set. A function's code is an {@code int[]}: an
 * opcode followed by its operands. Slots are word offsets from the frame's sp
 * (FRAME LAYOUT of the stacks module): locals are {@code 0..localWords-1},
 * word {@code localWords} is the return pc (never addressable), arguments are
 * {@code localWords+1 ..}. Each slot is either a pointer slot (in the
 * function's stack map, holds nil or a heap pointer) or a scalar slot.
 *
 * <pre>
 * op        operands                 meaning
 * NOP
 * CONST     d lo hi                  scalar d = (hi &lt;&lt; 32) | lo
 * MOV       d s                      d = s (same kind)
 * CLEAR     d                        d = 0
 * ADD/SUB   d a b                    scalar d = a +/- b
 * ADDI      d a imm                  scalar d = a + imm
 * JMP       t                        goto t (instruction index)
 * JLT       a b t                    if scalar a &lt; b goto t
 * JNZ       a t                      if a != 0 goto t
 * DECJNZ    s t                      s--; if s != 0 goto t   (tight loops)
 * CALL      f dst n s1..sn           call f with args s1..sn; result to dst (-1: none)
 * RET       s                        return s (-1: nothing)
 * NEW       d type                   pointer d = new object of type
 * LOADP     d s field                pointer d = s.field   (s a non-nil pointer)
 * STOREP    s field v                s.field = v (write barrier)
 * LOADW     d s field                scalar d = s.field
 * STOREW    s field v                s.field = scalar v
 * SPAWN     f n s1..sn               go f(s1..sn)
 * SEND      ch s                     ch &lt;- s
 * RECV      ch d                     d = &lt;-ch
 * SLEEP     micros                   time.Sleep
 * SYSCALL   micros                   a blocking system call of that length
 * GOSCHED                            runtime.Gosched()
 * GOEXIT                             runtime.Goexit()
 * BLOCK                              select {} (parks for ever)
 * CHECKEQ   a b                      throw "mutator check failed" unless a == b
 * GC                                 runtime.GC(): finish the cycle in progress, then a whole new
 *                                    one (gcWaitOnMark, gcStart, gcWaitOnMark), then help its sweep
 * READMEMSTATS                       runtime.ReadMemStats(&amp;m): stopTheWorld("read mem stats"),
 *                                    startTheWorld (waits for worldsema: see UserStopTheWorld)
 * TRACEADVANCE                       the execution tracer's traceAdvance (go1.22+): suspendG and
 *                                    resumeG of every other goroutine, one per step, then a
 *                                    forEachP under worldsema (see TraceAdvance)
 * </pre>
 *
 * <p>Each opcode's facts (mnemonic, operand kinds in encoding order, length,
 * whether it may end a function) are declared once, in the table below; the
 * builder, the checker, {@link #length} and the scenario parser all read
 * them from {@link #info(int)} and {@link #byMnemonic(String)}. The opcode
 * numbers and encodings are part of the deterministic digests: never
 * renumber.
 */
public final class Op {
    private Op() {}

    public static final int NOP = 0;
    public static final int CONST = 1;
    public static final int MOV = 2;
    public static final int CLEAR = 3;
    public static final int ADD = 4;
    public static final int SUB = 5;
    public static final int ADDI = 6;
    public static final int JMP = 7;
    public static final int JLT = 8;
    public static final int JNZ = 9;
    public static final int DECJNZ = 10;
    public static final int CALL = 11;
    public static final int RET = 12;
    public static final int NEW = 13;
    public static final int LOADP = 14;
    public static final int STOREP = 15;
    public static final int LOADW = 16;
    public static final int STOREW = 17;
    public static final int SPAWN = 18;
    public static final int SEND = 19;
    public static final int RECV = 20;
    public static final int SLEEP = 21;
    public static final int SYSCALL = 22;
    public static final int GOSCHED = 23;
    public static final int GOEXIT = 24;
    public static final int BLOCK = 25;
    public static final int CHECKEQ = 26;
    public static final int GC = 27;
    public static final int READMEMSTATS = 28;
    public static final int TRACEADVANCE = 29;

    /**
     * The kind of one operand, in encoding order. Drives the builder's
     * encoding and fix-ups ({@link Program.FuncBuilder#instr}), the checker's
     * per-operand checks, the instruction length, and the scenario parser's
     * operand syntax. Immutable; any thread.
     */
    public enum Operand {
        /** A slot of either kind. */
        SLOT(1),
        /** A scalar slot. */
        SCALAR(1),
        /** A pointer slot. */
        POINTER(1),
        /** A slot of either kind or -1 (no value): RET's result, CALL's destination. */
        RESULT(1),
        /** A 32-bit integer immediate. */
        INT(1),
        /** A 64-bit integer immediate, encoded as two words: low, then high. */
        INT64(2),
        /** A duration in microseconds, a non-negative integer immediate. */
        DURATION(1),
        /** A word index into an object (non-negative). */
        FIELD(1),
        /** A jump target: a label in the builder, an instruction index in the code. */
        LABEL(1),
        /** A function: a name in the builder, a function index in the code. */
        FUNC(1),
        /** An object type: a name in the builder, a type index in the code. */
        TYPE(1),
        /** A channel: a name in the builder, a channel index in the code. */
        CHAN(1),
        /** The number of words of the {@link #ARGS} operand that follows; the builder writes it. */
        COUNT(1),
        /** Variadic argument slots, as many as the preceding {@link #COUNT}; always last. */
        ARGS(0);

        private final int words;

        Operand(int words) {
            this.words = words;
        }

        /**
         * Words this operand takes in the fixed part of the instruction.
         *
         * @return 1, 2 for {@link #INT64}, 0 for {@link #ARGS}
         */
        public int words() {
            return words;
        }
    }

    /**
     * One opcode's facts, declared once in {@link #TABLE}: its number, its
     * mnemonic, its operands in encoding order, and whether it may end a
     * function. The length follows from the operands: one word for the opcode
     * plus each operand's words, plus the {@link Operand#COUNT} operand's
     * value when the instruction has variadic arguments.
     *
     * @param code the opcode number (the int constant)
     * @param name the upper-case name, as in the checker's messages
     * @param operands the operand kinds in encoding order
     * @param endsFunction whether the instruction may be a function's last (control never falls through it)
     */
    public record Info(int code, String name, List<Operand> operands, boolean endsFunction) {
        public Info {
            operands = List.copyOf(operands);
        }

        /**
         * The scenario-file mnemonic.
         *
         * @return the name in lower case
         */
        public String mnemonic() {
            return name.toLowerCase(Locale.ROOT);
        }

        /**
         * Length in words without variadic arguments.
         *
         * @return one word for the opcode plus each operand's words
         */
        public int fixedLength() {
            int n = 1;
            for (Operand o : operands) {
                n += o.words();
            }
            return n;
        }

        /** Word offset of the COUNT operand from the opcode, 0 when the instruction has none. */
        int countAt() {
            int at = 1;
            for (Operand o : operands) {
                if (o == Operand.COUNT) {
                    return at;
                }
                at += o.words();
            }
            return 0;
        }
    }

    /*
     * The table, indexed by opcode number. The numbers are also the int
     * constants above, which stay compile-time constants because the
     * interpreter dispatches with a switch over them (a table lookup in the
     * hot loop would cost); the static check below ties each row to its
     * constant, so a row out of place fails at class initialisation.
     */
    private static final Info[] TABLE = {
        op(NOP, "NOP"),
        op(CONST, "CONST", Operand.SCALAR, Operand.INT64),
        op(MOV, "MOV", Operand.SLOT, Operand.SLOT),
        op(CLEAR, "CLEAR", Operand.SLOT),
        op(ADD, "ADD", Operand.SCALAR, Operand.SCALAR, Operand.SCALAR),
        op(SUB, "SUB", Operand.SCALAR, Operand.SCALAR, Operand.SCALAR),
        op(ADDI, "ADDI", Operand.SCALAR, Operand.SCALAR, Operand.INT),
        end(JMP, "JMP", Operand.LABEL),
        op(JLT, "JLT", Operand.SCALAR, Operand.SCALAR, Operand.LABEL),
        op(JNZ, "JNZ", Operand.SLOT, Operand.LABEL),
        op(DECJNZ, "DECJNZ", Operand.SCALAR, Operand.LABEL),
        op(CALL, "CALL", Operand.FUNC, Operand.RESULT, Operand.COUNT, Operand.ARGS),
        end(RET, "RET", Operand.RESULT),
        op(NEW, "NEW", Operand.POINTER, Operand.TYPE),
        op(LOADP, "LOADP", Operand.POINTER, Operand.POINTER, Operand.FIELD),
        op(STOREP, "STOREP", Operand.POINTER, Operand.FIELD, Operand.POINTER),
        op(LOADW, "LOADW", Operand.SCALAR, Operand.POINTER, Operand.FIELD),
        op(STOREW, "STOREW", Operand.POINTER, Operand.FIELD, Operand.SCALAR),
        op(SPAWN, "SPAWN", Operand.FUNC, Operand.COUNT, Operand.ARGS),
        op(SEND, "SEND", Operand.CHAN, Operand.SLOT),
        op(RECV, "RECV", Operand.CHAN, Operand.SLOT),
        op(SLEEP, "SLEEP", Operand.DURATION),
        op(SYSCALL, "SYSCALL", Operand.DURATION),
        op(GOSCHED, "GOSCHED"),
        end(GOEXIT, "GOEXIT"),
        end(BLOCK, "BLOCK"),
        op(CHECKEQ, "CHECKEQ", Operand.SLOT, Operand.SLOT),
        op(GC, "GC"),
        op(READMEMSTATS, "READMEMSTATS"),
        op(TRACEADVANCE, "TRACEADVANCE"),
    };

    /** Fixed lengths (opcode included) and COUNT offsets, derived from the table for {@link #length}. */
    private static final int[] LENGTH = new int[TABLE.length];
    private static final int[] COUNT_AT = new int[TABLE.length];
    private static final Map<String, Info> BY_MNEMONIC = new HashMap<>();

    static {
        for (int i = 0; i < TABLE.length; i++) {
            Info in = TABLE[i];
            if (in.code() != i) {
                throw new AssertionError("Op table row " + i + " declares opcode " + in.code());
            }
            int args = in.operands().indexOf(Operand.ARGS);
            if (args >= 0 && (args != in.operands().size() - 1 || in.operands().get(args - 1) != Operand.COUNT)) {
                throw new AssertionError(in.name() + ": ARGS must be last, right after COUNT");
            }
            LENGTH[i] = in.fixedLength();
            COUNT_AT[i] = in.countAt();
            BY_MNEMONIC.put(in.mnemonic(), in);
        }
    }

    private static Info op(int code, String name, Operand... operands) {
        return new Info(code, name, List.of(operands), false);
    }

    private static Info end(int code, String name, Operand... operands) {
        return new Info(code, name, List.of(operands), true);
    }

    /**
     * The facts of one opcode. Any thread.
     *
     * @param op an opcode number
     * @return its row of the table
     * @throws IllegalArgumentException for an invalid opcode
     */
    public static Info info(int op) {
        if (!valid(op)) {
            throw new IllegalArgumentException("bad opcode " + op);
        }
        return TABLE[op];
    }

    /**
     * Looks an opcode up by its scenario-file mnemonic (the scenario parser). Any thread.
     *
     * @param mnemonic a lower-case mnemonic
     * @return the opcode whose {@link Info#mnemonic()} it is, or null
     */
    public static @Nullable Info byMnemonic(String mnemonic) {
        return BY_MNEMONIC.get(mnemonic);
    }

    /**
     * Every opcode. Any thread.
     *
     * @return the table's rows in opcode order
     */
    public static List<Info> all() {
        return List.of(TABLE);
    }

    /**
     * Length of the instruction at {@code ip} in {@code code}: the fixed
     * length plus, for CALL and SPAWN, the argument count. Used by the
     * checker and by the interpreter when it links code (not in its dispatch
     * loop, which advances ip with the constants of its own switch).
     */
    static int length(int[] code, int ip) {
        int op = code[ip];
        int at = COUNT_AT[op];
        return at == 0 ? LENGTH[op] : LENGTH[op] + code[ip + at];
    }

    static boolean valid(int op) {
        return op >= 0 && op < TABLE.length;
    }

    static int fixedLength(int op) {
        return LENGTH[op];
    }
}
