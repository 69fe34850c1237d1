package gcsim.goroutines.mutator;

import gcsim.heap.ObjectType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * A mutator program: functions in the {@link Op} instruction set, object
 * types, channels, and an entry function run by the main goroutine. Built
 * with {@link #builder()}; {@link Builder#build()} runs the checker, which
 * rejects a malformed program with a {@link MalformedProgramException}
 * naming the function, the instruction and the problem. Immutable; load it
 * into a runtime with {@link Interp}.
 */
public final class Program {
    /** One function: its frame shape, pointer slots and code (operands use function indexes). */
    public record Func(String name, int localWords, int argWords, int[] ptrLocals, int[] ptrArgs,
            boolean nosplit, boolean returnsPointer, int[] code) {
        /** Whether slot (word offset from sp) is a pointer slot. */
        boolean isPointerSlot(int slot) {
            if (slot < localWords) {
                return Arrays.binarySearch(ptrLocals, slot) >= 0;
            }
            return Arrays.binarySearch(ptrArgs, slot - localWords - 1) >= 0;
        }

        boolean validSlot(int slot) {
            return slot >= 0 && slot != localWords && slot <= localWords + argWords;
        }

        /** Bytes a call puts on the stack: locals, return pc, args. */
        int callBytes() {
            return (localWords + 1 + argWords) * 8;
        }
    }

    /** A name operand at code offset {@code at} that {@link FuncBuilder#resolve()} replaces by its index. */
    private record Fixup(int at, String ref, Op.Operand kind) {}

    /** A channel declaration. */
    public record ChanDecl(String name, int size, boolean pointers) {}

    /** The largest {@link Builder#signalCost} (10 ms): beyond it a run would be nothing but handlers. */
    public static final long MAX_SIGNAL_COST = 10_000_000;

    final List<Func> funcs;
    final List<ObjectType> types;
    final List<ChanDecl> chans;
    final int entry;
    /** debug.SetMaxStack's argument at start, in bytes; 0: the runtime's default. */
    final long maxStack;
    /** The platform's cost of delivering one preemption signal, in nanoseconds; -1: not set. */
    final long signalCost;

    private Program(List<Func> funcs, List<ObjectType> types, List<ChanDecl> chans, int entry, long maxStack,
            long signalCost) {
        this.funcs = List.copyOf(funcs);
        this.types = List.copyOf(types);
        this.chans = List.copyOf(chans);
        this.entry = entry;
        this.maxStack = maxStack;
        this.signalCost = signalCost;
    }

    public List<Func> funcs() {
        return funcs;
    }

    public List<ObjectType> types() {
        return types;
    }

    public List<ChanDecl> chans() {
        return chans;
    }

    /** Index of the entry function. */
    public int entry() {
        return entry;
    }

    /**
     * The maximum goroutine stack size the program sets before it starts (Go's
     * {@code debug.SetMaxStack}), in bytes; 0 keeps the runtime's (1,000,000,000).
     */
    public long maxStack() {
        return maxStack;
    }

    /**
     * The cost of delivering one preemption signal to an M on the platform the program runs on
     * (the OS's delivery, the handler, sigreturn), in nanoseconds, as the scenario's
     * {@code signalcost} line sets it; -1 when it does not (the interpreter's default then).
     */
    public long signalCost() {
        return signalCost;
    }

    /** Whether any function's code holds instruction {@code opcode} (an {@link Op} constant). Any thread. */
    public boolean uses(int opcode) {
        for (Func f : funcs) {
            int[] c = f.code();
            for (int ip = 0; ip < c.length; ip += Op.length(c, ip)) {
                if (c[ip] == opcode) {
                    return true;
                }
            }
        }
        return false;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A program failed the builder or the checker. Besides the one-line
     * message, it carries where and what as fields, so a caller (the
     * scenario parser) can map it to its own source lines without reading
     * the message: {@link #function()} (null when the problem is not inside
     * one function), {@link #instruction()} (the instruction's code offset,
     * -1 when the problem is not about one instruction), {@link #op()} and
     * {@link #reason()}. Thrown on the building thread; immutable.
     */
    public static final class MalformedProgramException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final @Nullable String function;
        private final int instruction;
        private final String op;
        private final String reason;

        /** A problem of the whole program: "program: REASON". */
        MalformedProgramException(String reason) {
            this(null, -1, "", reason, "program: " + reason);
        }

        private MalformedProgramException(@Nullable String function, int instruction, String op, String reason,
                String message) {
            super(message);
            this.function = function;
            this.instruction = instruction;
            this.op = op;
            this.reason = reason;
        }

        /** A problem of function {@code function}: "program: function F: REASON". */
        static MalformedProgramException inFunction(String function, String reason) {
            return new MalformedProgramException(function, -1, "", reason,
                    "program: function " + function + ": " + reason);
        }

        /** A problem of one instruction: "program: function F: instruction at IP (OP): REASON". */
        static MalformedProgramException atInstruction(String function, int instruction, String op, String reason) {
            return new MalformedProgramException(function, instruction, op, reason, "program: function " + function
                    + ": instruction at " + instruction + " (" + op + "): " + reason);
        }

        /** @return the function the problem is in, or null for a problem of the whole program */
        public @Nullable String function() {
            return function;
        }

        /** @return the code offset of the offending instruction, or -1 */
        public int instruction() {
            return instruction;
        }

        /** @return the offending instruction's name ({@link Op.Info#name()}, "?" for a bad opcode), or "" */
        public String op() {
            return op;
        }

        /** @return the problem, without the location */
        public String reason() {
            return reason;
        }
    }

    /** Builds a program; not thread-safe. */
    public static final class Builder {
        private final List<FuncBuilder> funcs = new ArrayList<>();
        private final Map<String, Integer> funcIndex = new HashMap<>();
        private final List<ObjectType> types = new ArrayList<>();
        private final Map<String, Integer> typeIndex = new HashMap<>();
        private final List<ChanDecl> chans = new ArrayList<>();
        private final Map<String, Integer> chanIndex = new HashMap<>();
        private String entry = "main";
        private long maxStack;
        private long signalCost = -1;

        private Builder() {}

        /** Declares an object type; returns it for NEW by name. */
        public Builder type(ObjectType t) {
            if (typeIndex.putIfAbsent(t.name(), types.size()) != null) {
                throw new MalformedProgramException("duplicate type " + t.name());
            }
            types.add(t);
            return this;
        }

        /** Declares a channel with {@code size} buffer slots carrying scalars or pointers. */
        public Builder chan(String name, int size, boolean pointers) {
            if (size < 0) {
                throw new MalformedProgramException("channel " + name + ": negative size " + size);
            }
            if (chanIndex.putIfAbsent(name, chans.size()) != null) {
                throw new MalformedProgramException("duplicate channel " + name);
            }
            chans.add(new ChanDecl(name, size, pointers));
            return this;
        }

        /** Starts a function: {@code locals} words of locals, {@code args} words of arguments. */
        public FuncBuilder func(String name, int locals, int args) {
            if (funcIndex.putIfAbsent(name, funcs.size()) != null) {
                throw new MalformedProgramException("duplicate function " + name);
            }
            FuncBuilder f = new FuncBuilder(this, name, locals, args);
            funcs.add(f);
            return f;
        }

        /** The entry function run by the main goroutine (default "main"; takes no args). */
        public Builder entry(String name) {
            this.entry = name;
            return this;
        }

        /**
         * Go's {@code debug.SetMaxStack(bytes)} before the entry function runs: newstack
         * throws "stack overflow" when a stack would grow above it. At least 2048.
         */
        public Builder maxStack(long bytes) {
            if (bytes < 2048) {
                throw new MalformedProgramException("max stack " + bytes + " below 2048 bytes");
            }
            this.maxStack = bytes;
            return this;
        }

        /**
         * The platform's cost of delivering one preemption signal (kernel delivery, the
         * runtime's handler, sigreturn), in nanoseconds, charged to the interrupted M for every
         * signal it handles, under every Go version. 0 to 10 ms.
         */
        public Builder signalCost(long nanos) {
            if (nanos < 0 || nanos > MAX_SIGNAL_COST) {
                throw new MalformedProgramException("signal cost " + nanos + " ns outside 0.." + MAX_SIGNAL_COST);
            }
            this.signalCost = nanos;
            return this;
        }

        /** Resolves names and runs the checker. */
        public Program build() {
            Integer e = funcIndex.get(entry);
            if (e == null) {
                throw new MalformedProgramException("no entry function " + entry);
            }
            List<Func> out = new ArrayList<>();
            for (FuncBuilder f : funcs) {
                out.add(f.resolve());
            }
            Program p = new Program(out, types, chans, e, maxStack, signalCost);
            new Checker(p).check();
            return p;
        }

        int funcRef(String fn, String where) {
            Integer i = funcIndex.get(fn);
            if (i == null) {
                throw MalformedProgramException.inFunction(where, "unknown function " + fn);
            }
            return i;
        }

        int typeRef(String t, String where) {
            Integer i = typeIndex.get(t);
            if (i == null) {
                throw MalformedProgramException.inFunction(where, "unknown type " + t);
            }
            return i;
        }

        int chanRef(String c, String where) {
            Integer i = chanIndex.get(c);
            if (i == null) {
                throw MalformedProgramException.inFunction(where, "unknown channel " + c);
            }
            return i;
        }
    }

    /**
     * Writes one function. Slots are word offsets from sp; {@link #arg(int)}
     * gives the slot of argument i. Jumps name labels; calls name functions
     * (forward references are fine); both are resolved by {@link Builder#build()}.
     */
    public static final class FuncBuilder {
        private final Builder owner;
        private final String name;
        private final int locals;
        private final int args;
        private final MutableIntList ptrLocals = new IntArrayList();
        private final MutableIntList ptrArgs = new IntArrayList();
        private boolean nosplit;
        private boolean returnsPointer;
        private final MutableIntList code = new IntArrayList();
        private final Map<String, Integer> labels = new HashMap<>();
        private final List<Fixup> fixups = new ArrayList<>();

        private FuncBuilder(Builder owner, String name, int locals, int args) {
            if (locals < 0 || args < 0) {
                throw MalformedProgramException.inFunction(name, "negative frame");
            }
            this.owner = owner;
            this.name = name;
            this.locals = locals;
            this.args = args;
        }

        /** The slot of argument i. */
        public int arg(int i) {
            return locals + 1 + i;
        }

        /** Marks locals as pointer slots. */
        public FuncBuilder ptrLocals(int... slots) {
            ptrLocals.addAll(slots);
            return this;
        }

        /** Marks arguments (by argument index) as pointers. */
        public FuncBuilder ptrArgs(int... argIndexes) {
            ptrArgs.addAll(argIndexes);
            return this;
        }

        /** Go's //go:nosplit: no prologue check (no preemption, no growth). */
        public FuncBuilder nosplit() {
            nosplit = true;
            return this;
        }

        /** The function returns a pointer (RET s needs a pointer slot). */
        public FuncBuilder returnsPointer() {
            returnsPointer = true;
            return this;
        }

        public FuncBuilder label(String l) {
            if (labels.putIfAbsent(l, code.size()) != null) {
                throw MalformedProgramException.inFunction(name, "duplicate label " + l);
            }
            return this;
        }

        public FuncBuilder nop() {
            return instr(Op.NOP);
        }

        public FuncBuilder constant(int d, long v) {
            return instr(Op.CONST, d, v);
        }

        public FuncBuilder mov(int d, int s) {
            return instr(Op.MOV, d, s);
        }

        public FuncBuilder clear(int d) {
            return instr(Op.CLEAR, d);
        }

        public FuncBuilder add(int d, int a, int b) {
            return instr(Op.ADD, d, a, b);
        }

        public FuncBuilder sub(int d, int a, int b) {
            return instr(Op.SUB, d, a, b);
        }

        public FuncBuilder addi(int d, int a, int imm) {
            return instr(Op.ADDI, d, a, imm);
        }

        public FuncBuilder jmp(String l) {
            return instr(Op.JMP, l);
        }

        public FuncBuilder jlt(int a, int b, String l) {
            return instr(Op.JLT, a, b, l);
        }

        public FuncBuilder jnz(int a, String l) {
            return instr(Op.JNZ, a, l);
        }

        public FuncBuilder decjnz(int s, String l) {
            return instr(Op.DECJNZ, s, l);
        }

        /** Calls fn with the given argument slots; the result goes to dst (-1: discard). */
        public FuncBuilder call(String fn, int dst, int... argSlots) {
            return instr(Op.CALL, fn, dst, argSlots);
        }

        /** Returns slot s (-1: nothing). */
        public FuncBuilder ret(int s) {
            return instr(Op.RET, s);
        }

        public FuncBuilder ret() {
            return ret(-1);
        }

        public FuncBuilder newobj(int d, String type) {
            return instr(Op.NEW, d, type);
        }

        public FuncBuilder loadp(int d, int s, int field) {
            return instr(Op.LOADP, d, s, field);
        }

        public FuncBuilder storep(int s, int field, int v) {
            return instr(Op.STOREP, s, field, v);
        }

        public FuncBuilder loadw(int d, int s, int field) {
            return instr(Op.LOADW, d, s, field);
        }

        public FuncBuilder storew(int s, int field, int v) {
            return instr(Op.STOREW, s, field, v);
        }

        /** go fn(args...). */
        public FuncBuilder spawn(String fn, int... argSlots) {
            return instr(Op.SPAWN, fn, argSlots);
        }

        public FuncBuilder send(String ch, int s) {
            return instr(Op.SEND, ch, s);
        }

        public FuncBuilder recv(String ch, int d) {
            return instr(Op.RECV, ch, d);
        }

        public FuncBuilder sleep(int micros) {
            return instr(Op.SLEEP, micros);
        }

        public FuncBuilder syscall(int micros) {
            return instr(Op.SYSCALL, micros);
        }

        public FuncBuilder gosched() {
            return instr(Op.GOSCHED);
        }

        public FuncBuilder goexit() {
            return instr(Op.GOEXIT);
        }

        /** select {}: parks for ever. */
        public FuncBuilder block() {
            return instr(Op.BLOCK);
        }

        /** Self-verification: the process throws "mutator check failed" unless slots a and b are equal. */
        public FuncBuilder checkeq(int a, int b) {
            return instr(Op.CHECKEQ, a, b);
        }

        /**
         * {@code runtime.GC()}: waits for the cycle in progress to finish marking, has a whole new
         * cycle run and waits for its mark termination, then helps sweep it (see {@link Op#GC}).
         */
        public FuncBuilder gc() {
            return instr(Op.GC);
        }

        /** {@code runtime.ReadMemStats}: stops and starts the world (see {@link Op#READMEMSTATS}). */
        public FuncBuilder readmemstats() {
            return instr(Op.READMEMSTATS);
        }

        /** The execution tracer's traceAdvance, go1.22+ (see {@link Op#TRACEADVANCE}). */
        public FuncBuilder traceadvance() {
            return instr(Op.TRACEADVANCE);
        }

        /**
         * Appends one instruction, encoded as {@link Op#info(int)} says. The
         * operands come in the table's order, one per {@link Op.Operand}
         * except {@link Op.Operand#COUNT}, which is written from the
         * {@link Op.Operand#ARGS} array: an {@link Integer} for slots,
         * immediates and fields, a {@link Number} for {@link Op.Operand#INT64},
         * a {@link String} name for labels, functions, types and channels
         * (resolved by {@link Builder#build()}), an {@code int[]} for ARGS.
         * The typed methods above and the scenario parser call it, on the
         * building thread.
         *
         * @param opcode an opcode number ({@link Op})
         * @param operands the operands, as above
         * @return this builder
         * @throws IllegalArgumentException for a bad opcode or operands of the wrong number or type
         */
        public FuncBuilder instr(int opcode, Object... operands) {
            Op.Info info = Op.info(opcode);
            int want = info.operands().size() - (info.operands().contains(Op.Operand.COUNT) ? 1 : 0);
            if (operands.length != want) {
                throw new IllegalArgumentException(info.name() + " takes " + want + " operands, got " + operands.length);
            }
            int next = 0;
            for (Op.Operand kind : info.operands()) { // check every operand before writing a word
                if (kind != Op.Operand.COUNT) {
                    Class<?> type = switch (kind) {
                        case INT64 -> Number.class;
                        case LABEL, FUNC, TYPE, CHAN -> String.class;
                        case ARGS -> int[].class;
                        default -> Integer.class;
                    };
                    Object o = operands[next++];
                    if (!type.isInstance(o)) {
                        throw new IllegalArgumentException(info.name() + ": operand " + o + " is not a "
                                + type.getSimpleName());
                    }
                }
            }
            code.add(opcode);
            next = 0;
            for (Op.Operand kind : info.operands()) {
                switch (kind) {
                    case INT64 -> {
                        long v = ((Number) operands[next++]).longValue();
                        code.addAll((int) v, (int) (v >>> 32));
                    }
                    case LABEL, FUNC, TYPE, CHAN -> {
                        fixups.add(new Fixup(code.size(), (String) operands[next++], kind));
                        code.add(0);
                    }
                    case COUNT -> code.add(((int[]) operands[next]).length);
                    case ARGS -> code.addAll((int[]) operands[next++]);
                    default -> code.add((Integer) operands[next++]);
                }
            }
            return this;
        }

        /**
         * Where the next instruction will start; the scenario parser keys its source lines by it.
         *
         * @return the code offset, in words
         */
        public int offset() {
            return code.size();
        }

        /** Ends this function; returns the program builder. */
        public Builder end() {
            return owner;
        }

        Func resolve() {
            int[] c = code.toArray();
            for (Fixup fx : fixups) {
                c[fx.at()] = switch (fx.kind()) {
                    case FUNC -> owner.funcRef(fx.ref(), name);
                    case TYPE -> owner.typeRef(fx.ref(), name);
                    case CHAN -> owner.chanRef(fx.ref(), name);
                    default -> {
                        Integer t = labels.get(fx.ref());
                        if (t == null) {
                            throw MalformedProgramException.inFunction(name, "unknown label " + fx.ref());
                        }
                        yield t;
                    }
                };
            }
            int[] pl = ptrLocals.distinct().toSortedArray();
            int[] pa = ptrArgs.distinct().toSortedArray();
            for (int s : pl) {
                if (s < 0 || s >= locals) {
                    throw MalformedProgramException.inFunction(name, "pointer local " + s + " out of range");
                }
            }
            for (int a : pa) {
                if (a < 0 || a >= args) {
                    throw MalformedProgramException.inFunction(name, "pointer arg " + a + " out of range");
                }
            }
            return new Func(name, locals, args, pl, pa, nosplit, returnsPointer, c);
        }
    }
}
