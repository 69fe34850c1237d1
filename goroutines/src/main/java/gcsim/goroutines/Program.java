package gcsim.goroutines;

import gcsim.heap.ObjectType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** A channel declaration. */
    public record ChanDecl(String name, int size, boolean pointers) {}

    final List<Func> funcs;
    final List<ObjectType> types;
    final List<ChanDecl> chans;
    final int entry;

    private Program(List<Func> funcs, List<ObjectType> types, List<ChanDecl> chans, int entry) {
        this.funcs = List.copyOf(funcs);
        this.types = List.copyOf(types);
        this.chans = List.copyOf(chans);
        this.entry = entry;
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

    public static Builder builder() {
        return new Builder();
    }

    /** A program failed the checker; the message names function, instruction and problem. */
    public static final class MalformedProgramException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedProgramException(String msg) {
            super(msg);
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

        private Builder() {}

        /** Declares an object type; returns it for NEW by name. */
        public Builder type(ObjectType t) {
            if (typeIndex.putIfAbsent(t.name(), types.size()) != null) {
                throw new MalformedProgramException("program: duplicate type " + t.name());
            }
            types.add(t);
            return this;
        }

        /** Declares a channel with {@code size} buffer slots carrying scalars or pointers. */
        public Builder chan(String name, int size, boolean pointers) {
            if (size < 0) {
                throw new MalformedProgramException("program: channel " + name + ": negative size " + size);
            }
            if (chanIndex.putIfAbsent(name, chans.size()) != null) {
                throw new MalformedProgramException("program: duplicate channel " + name);
            }
            chans.add(new ChanDecl(name, size, pointers));
            return this;
        }

        /** Starts a function: {@code locals} words of locals, {@code args} words of arguments. */
        public FuncBuilder func(String name, int locals, int args) {
            if (funcIndex.putIfAbsent(name, funcs.size()) != null) {
                throw new MalformedProgramException("program: duplicate function " + name);
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

        /** Resolves names and runs the checker. */
        public Program build() {
            Integer e = funcIndex.get(entry);
            if (e == null) {
                throw new MalformedProgramException("program: no entry function " + entry);
            }
            List<Func> out = new ArrayList<>();
            for (FuncBuilder f : funcs) {
                out.add(f.resolve());
            }
            Program p = new Program(out, types, chans, e);
            new Checker(p).check();
            return p;
        }

        int funcRef(String fn, String where) {
            Integer i = funcIndex.get(fn);
            if (i == null) {
                throw new MalformedProgramException(where + ": unknown function " + fn);
            }
            return i;
        }

        int typeRef(String t, String where) {
            Integer i = typeIndex.get(t);
            if (i == null) {
                throw new MalformedProgramException(where + ": unknown type " + t);
            }
            return i;
        }

        int chanRef(String c, String where) {
            Integer i = chanIndex.get(c);
            if (i == null) {
                throw new MalformedProgramException(where + ": unknown channel " + c);
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
        private final List<Object[]> fixups = new ArrayList<>(); // {operand index, label or name, kind}

        private FuncBuilder(Builder owner, String name, int locals, int args) {
            if (locals < 0 || args < 0) {
                throw new MalformedProgramException("program: function " + name + ": negative frame");
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
                throw new MalformedProgramException(where() + ": duplicate label " + l);
            }
            return this;
        }

        public FuncBuilder nop() {
            return emit(Op.NOP);
        }

        public FuncBuilder constant(int d, long v) {
            return emit(Op.CONST, d, (int) v, (int) (v >>> 32));
        }

        public FuncBuilder mov(int d, int s) {
            return emit(Op.MOV, d, s);
        }

        public FuncBuilder clear(int d) {
            return emit(Op.CLEAR, d);
        }

        public FuncBuilder add(int d, int a, int b) {
            return emit(Op.ADD, d, a, b);
        }

        public FuncBuilder sub(int d, int a, int b) {
            return emit(Op.SUB, d, a, b);
        }

        public FuncBuilder addi(int d, int a, int imm) {
            return emit(Op.ADDI, d, a, imm);
        }

        public FuncBuilder jmp(String l) {
            return emitJump(new int[] {Op.JMP, 0}, 1, l);
        }

        public FuncBuilder jlt(int a, int b, String l) {
            return emitJump(new int[] {Op.JLT, a, b, 0}, 3, l);
        }

        public FuncBuilder jnz(int a, String l) {
            return emitJump(new int[] {Op.JNZ, a, 0}, 2, l);
        }

        public FuncBuilder decjnz(int s, String l) {
            return emitJump(new int[] {Op.DECJNZ, s, 0}, 2, l);
        }

        /** Calls fn with the given argument slots; the result goes to dst (-1: discard). */
        public FuncBuilder call(String fn, int dst, int... argSlots) {
            int at = code.size();
            code.addAll(Op.CALL, 0, dst, argSlots.length);
            code.addAll(argSlots);
            fixups.add(new Object[] {at + 1, fn, "func"});
            return this;
        }

        /** Returns slot s (-1: nothing). */
        public FuncBuilder ret(int s) {
            return emit(Op.RET, s);
        }

        public FuncBuilder ret() {
            return ret(-1);
        }

        public FuncBuilder newobj(int d, String type) {
            int at = code.size();
            emit(Op.NEW, d, 0);
            fixups.add(new Object[] {at + 2, type, "type"});
            return this;
        }

        public FuncBuilder loadp(int d, int s, int field) {
            return emit(Op.LOADP, d, s, field);
        }

        public FuncBuilder storep(int s, int field, int v) {
            return emit(Op.STOREP, s, field, v);
        }

        public FuncBuilder loadw(int d, int s, int field) {
            return emit(Op.LOADW, d, s, field);
        }

        public FuncBuilder storew(int s, int field, int v) {
            return emit(Op.STOREW, s, field, v);
        }

        /** go fn(args...). */
        public FuncBuilder spawn(String fn, int... argSlots) {
            int at = code.size();
            code.addAll(Op.SPAWN, 0, argSlots.length);
            code.addAll(argSlots);
            fixups.add(new Object[] {at + 1, fn, "func"});
            return this;
        }

        public FuncBuilder send(String ch, int s) {
            int at = code.size();
            emit(Op.SEND, 0, s);
            fixups.add(new Object[] {at + 1, ch, "chan"});
            return this;
        }

        public FuncBuilder recv(String ch, int d) {
            int at = code.size();
            emit(Op.RECV, 0, d);
            fixups.add(new Object[] {at + 1, ch, "chan"});
            return this;
        }

        public FuncBuilder sleep(int micros) {
            return emit(Op.SLEEP, micros);
        }

        public FuncBuilder syscall(int micros) {
            return emit(Op.SYSCALL, micros);
        }

        public FuncBuilder gosched() {
            return emit(Op.GOSCHED);
        }

        public FuncBuilder goexit() {
            return emit(Op.GOEXIT);
        }

        /** select {}: parks for ever. */
        public FuncBuilder block() {
            return emit(Op.BLOCK);
        }

        /** Self-verification: the process throws "mutator check failed" unless slots a and b are equal. */
        public FuncBuilder checkeq(int a, int b) {
            return emit(Op.CHECKEQ, a, b);
        }

        /** Ends this function; returns the program builder. */
        public Builder end() {
            return owner;
        }

        private FuncBuilder emit(int... words) {
            code.addAll(words);
            return this;
        }

        private FuncBuilder emitJump(int[] words, int operand, String l) {
            int at = code.size();
            code.addAll(words);
            fixups.add(new Object[] {at + operand, l, "label"});
            return this;
        }

        private String where() {
            return "program: function " + name;
        }

        Func resolve() {
            int[] c = code.toArray();
            for (Object[] fx : fixups) {
                int at = (Integer) fx[0];
                String ref = (String) fx[1];
                c[at] = switch ((String) fx[2]) {
                    case "func" -> owner.funcRef(ref, where());
                    case "type" -> owner.typeRef(ref, where());
                    case "chan" -> owner.chanRef(ref, where());
                    default -> {
                        Integer t = labels.get(ref);
                        if (t == null) {
                            throw new MalformedProgramException(where() + ": unknown label " + ref);
                        }
                        yield t;
                    }
                };
            }
            int[] pl = ptrLocals.distinct().toSortedArray();
            int[] pa = ptrArgs.distinct().toSortedArray();
            for (int s : pl) {
                if (s < 0 || s >= locals) {
                    throw new MalformedProgramException(where() + ": pointer local " + s + " out of range");
                }
            }
            for (int a : pa) {
                if (a < 0 || a >= args) {
                    throw new MalformedProgramException(where() + ": pointer arg " + a + " out of range");
                }
            }
            return new Func(name, locals, args, pl, pa, nosplit, returnsPointer, c);
        }
    }
}
