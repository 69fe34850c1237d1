package gcsim.goroutines.mutator;

import static gcsim.stacks.StackConstants.PTR_SIZE;

import gcsim.goroutines.Chan;
import gcsim.goroutines.G;
import gcsim.goroutines.GcHooks;
import gcsim.goroutines.GoCode;
import gcsim.goroutines.M;
import gcsim.goroutines.MutatorSupport;
import gcsim.goroutines.P;
import gcsim.goroutines.Sched;
import gcsim.goroutines.mutator.Program.Func;
import gcsim.goroutines.platform.Platform;
import gcsim.heap.Heap;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import gcsim.stacks.FrameLayout;
import gcsim.stacks.FuncInfo;
import gcsim.stacks.FuncTab;
import gcsim.stacks.Prologue;
import gcsim.stacks.Stack;
import gcsim.stacks.StackMap;
import java.util.concurrent.atomic.AtomicLong;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link Program} loaded into one runtime, and the interpreter the Ms run
 * it with. Loading registers each function's {@link FuncInfo} (frame size,
 * args, stack map, nosplit) in the runtime's {@link FuncTab}, so the
 * unwinder, stack scanning and copystack read the frames the interpreter
 * pushes (FRAME LAYOUT of the stacks module).
 *
 * <p><b>Execution state.</b> A G's state is its saved {@code pc}
 * ({@code funcId << 32 | instruction index}), its {@code sp} and its stack: a
 * frame's slots are words at {@code sp + 8*slot}, the return pc of a frame
 * points at the caller's CALL instruction (so the caller's stack map at its
 * call site applies, and RET finds the result slot there). Nothing else is
 * kept between instructions, so any M can continue any G.
 *
 * <p><b>Safe points.</b> Every CALL of a splittable function runs the
 * prologue check ({@link Prologue#needsMoreStack}); a failure returns
 * {@link GoCode#MORESTACK} and the M runs newstack (preemption or growth),
 * after which the CALL is retried. At every instruction boundary the
 * interpreter looks at its M's "signal" flag (Go 1.14 asynchronous
 * preemption): if the G wants preemption ({@code preempt} or
 * {@code preemptStop}, Go's wantAsyncPreempt) and the point is async-safe
 * (Go's isAsyncSafePoint: the M runs this G and can be preempted, not in a
 * nosplit function, enough stack for the injected frame), it injects an
 * {@code asyncPreempt} frame, which GC scans conservatively, and returns
 * {@link GoCode#PREEMPT_ASYNC}. Either way it bumps the M's preemptGen.
 * "Not between a write-barrier check and its store" holds by construction: a
 * pointer store runs the barrier hook and the store inside one instruction,
 * and the signal is only looked at between instructions.
 *
 * <p><b>The runtime boundary.</b> The interpreter is the mutator's side of
 * the runtime: it reads G, M and Sched through their public accessors and
 * changes runtime state only through {@link MutatorSupport} (saving a G's
 * context, morestack, mallocgc, newproc, channel operations, sleeps, system
 * calls, the preemption signal), as compiled Go code meets its runtime at
 * those points.
 */
public final class Interp implements GoCode {
    private final Sched rt;
    /** rt's platform (read once, here). */
    private final Platform platform;
    /** rt's platform is deterministic: pass the baton at instruction boundaries (read once, here). */
    private final boolean deterministic;
    private final @Nullable Heap heap;
    private final Program program;
    /** Per program function: its id in the runtime's FuncTab. */
    private final int[] funcIds;
    /** Indexed by FuncTab id: code with function operands rewritten to FuncTab ids (null: not ours). */
    private final int[][] codeById;
    private final FuncInfo[] infoById;
    private final Func[] funcById;
    private final ObjectType[] types;
    private final Chan[] chans;
    private final FuncInfo asyncPreemptFn;
    private final int asyncPreemptId;
    private final long asyncPreemptStack;
    /** rt's version lets a signal land between a failed prologue check and morestack (read once, here). */
    private final boolean preemptiblePrologue;
    /**
     * What one delivered signal costs this M ({@link MutatorSupport#signalHandlerRun}) where
     * only one can be in flight (go1.14.1+): the program's {@code signalcost}, or 0 without one
     * (those versions' schedules predate the parameter).
     */
    private final long signalCost;
    /** The same where every preemptM is a signal (go1.14.0): the program's, or the 2 µs default. */
    private final long floodSignalCost;

    /** Counters (approximate: summed at yields). */
    private final AtomicLong instructions = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong useAfterFree = new AtomicLong();

    /** Loads program into rt; heap may be null for programs that never allocate. */
    public Interp(Sched rt, @Nullable Heap heap, Program program) {
        this.rt = rt;
        this.platform = rt.platform();
        this.deterministic = platform.deterministic();
        this.heap = heap;
        this.program = program;
        FuncTab ft = rt.functab();
        int n = program.funcs.size();
        this.funcIds = new int[n];
        FuncInfo[] infos = new FuncInfo[n];
        for (int i = 0; i < n; i++) {
            Func f = program.funcs.get(i);
            infos[i] = FuncInfo.builder(f.name())
                    .frameSize(f.localWords() * PTR_SIZE)
                    .argSize(f.argWords() * PTR_SIZE)
                    .nosplit(f.nosplit())
                    .stackMap(StackMap.of(f.ptrLocals(), f.ptrArgs()))
                    .build();
            funcIds[i] = ft.register(infos[i]);
        }
        this.asyncPreemptFn = FuncInfo.builder("runtime.asyncPreempt")
                .frameSize(16 * PTR_SIZE).nosplit(true).conservative(true).build();
        this.asyncPreemptId = ft.register(asyncPreemptFn);
        // Go: the frames of asyncPreempt and asyncPreempt2 plus 8 words of overhead.
        this.asyncPreemptStack = FrameLayout.callBytes(asyncPreemptFn) + 8L * PTR_SIZE;
        this.preemptiblePrologue = MutatorSupport.preemptiblePrologue(rt);
        this.signalCost = Math.max(0, program.signalCost);
        this.floodSignalCost = program.signalCost >= 0 ? program.signalCost : MutatorSupport.SIGNAL_HANDLER_NANOS;
        if (program.maxStack > 0) {
            MutatorSupport.setMaxStack(rt, program.maxStack); // debug.SetMaxStack before main runs
        }
        int size = ft.size();
        this.codeById = new int[size][];
        this.infoById = new FuncInfo[size];
        this.funcById = new Func[size];
        for (int i = 0; i < n; i++) {
            int id = funcIds[i];
            codeById[id] = relink(program.funcs.get(i).code(), funcIds);
            infoById[id] = infos[i];
            funcById[id] = program.funcs.get(i);
        }
        this.types = program.types.toArray(new ObjectType[0]);
        this.chans = new Chan[program.chans.size()];
        for (int i = 0; i < chans.length; i++) {
            Program.ChanDecl d = program.chans.get(i);
            chans[i] = MutatorSupport.makechan(rt, d.size(), d.pointers());
        }
    }

    private static int[] relink(int[] code, int[] funcIds) {
        int[] c = code.clone();
        for (int ip = 0; ip < c.length; ip += Op.length(c, ip)) {
            if (c[ip] == Op.CALL || c[ip] == Op.SPAWN) {
                c[ip + 1] = funcIds[c[ip + 1]];
            }
        }
        return c;
    }

    /** Starts the process with the entry function on the main goroutine. */
    public G start() {
        return MutatorSupport.start(rt, this, g -> pushOutermost(g, funcIds[program.entry], null));
    }

    /** The program's channels, in declaration order (GC roots when they carry pointers). */
    public Chan[] chans() {
        return chans.clone();
    }

    public long instructions() {
        return instructions.get();
    }

    public long allocations() {
        return allocations.get();
    }

    public long useAfterFree() {
        return useAfterFree.get();
    }

    /**
     * Lays out the first frame of a new G running function id with the given
     * argument values (Go's newproc1 copying args). Grows the new G's (dead,
     * owned) stack if the frame does not fit. Deliberate difference: the entry
     * function's prologue is not run.
     */
    private void pushOutermost(G g, int id, long @Nullable [] argv) {
        FuncInfo f = infoById[id];
        int need = FrameLayout.callBytes(f) + gcsim.stacks.StackConstants.STACK_GUARD;
        Stack s = MutatorSupport.newgStack(rt, g, need);
        long sp = FrameLayout.pushOutermost(s, f);
        if (argv != null) {
            long argp = FrameLayout.argp(sp, f);
            for (int i = 0; i < argv.length; i++) {
                s.write(argp + (long) i * PTR_SIZE, argv[i]);
            }
        }
        MutatorSupport.save(g, FuncTab.pcOf(id, 0), sp);
    }

    // =====================================================================
    // The interpreter
    // =====================================================================

    @Override
    public int run(M mp, G gp) {
        Stack st = gp.stack();
        if (st == null) {
            throw MutatorSupport.fatal("runtime: running g has no stack");
        }
        long sp = gp.savedSp();
        long pc = gp.savedPc();
        int fid = FuncTab.funcId(pc);
        int ip = FuncTab.pcIndex(pc);
        if (fid == asyncPreemptId) {
            // Returning from asyncPreempt: pop its frame (asyncPreempt2's tail).
            boolean atMorestack = st.read(sp + SAVED_PC_CLASS) == PC_PROLOGUE_MORESTACK;
            long ret = st.read(FrameLayout.varp(sp, asyncPreemptFn));
            sp = FrameLayout.callerSp(sp, asyncPreemptFn);
            fid = FuncTab.funcId(ret);
            ip = FuncTab.pcIndex(ret);
            MutatorSupport.leaveAsyncSafePoint(gp);
            if (atMorestack) {
                // The signal landed in a prologue after its check failed: the restored
                // registers say "branch taken", so gp calls morestack whatever stackguard0
                // holds now (the request it saw was cleared while it was preempted).
                FuncInfo callee = infoById[codeById[fid][ip + 1]];
                MutatorSupport.morestack(mp, gp, FuncTab.pcOf(fid, ip), sp, FrameLayout.callBytes(callee));
                return MORESTACK;
            }
        }
        // Back from a channel park (Go's chansend/chanrecv after gopark returns): only
        // the G itself drops its wait record, so a stack shrink that holds the G's scan
        // bit while it waits always finds the record and takes the channel lock
        // (syncadjustsudogs) against the partner's copy into the stack.
        MutatorSupport.dropWaitRecord(gp);
        int[] code = codeById[fid];
        Func fn = funcById[fid];
        long count = 0;
        boolean det = deterministic;
        try {
            for (;;) {
                if (det) {
                    platform.instructionBoundary(); // may pass the baton
                }
                if (MutatorSupport.signalPending(mp)) {
                    int r = signal(mp, gp, st, fid, ip, sp);
                    if (r != 0) {
                        return r;
                    }
                    sp = gp.savedSp();
                }
                count++;
                switch (code[ip]) {
                    case Op.NOP -> ip += 1;
                    case Op.CONST -> {
                        st.write(sp + 8L * code[ip + 1], ((long) code[ip + 3] << 32) | (code[ip + 2] & 0xffff_ffffL));
                        ip += 4;
                    }
                    case Op.MOV -> {
                        st.write(sp + 8L * code[ip + 1], st.read(sp + 8L * code[ip + 2]));
                        ip += 3;
                    }
                    case Op.CLEAR -> {
                        st.write(sp + 8L * code[ip + 1], 0);
                        ip += 2;
                    }
                    case Op.ADD -> {
                        st.write(sp + 8L * code[ip + 1], st.read(sp + 8L * code[ip + 2]) + st.read(sp + 8L * code[ip + 3]));
                        ip += 4;
                    }
                    case Op.SUB -> {
                        st.write(sp + 8L * code[ip + 1], st.read(sp + 8L * code[ip + 2]) - st.read(sp + 8L * code[ip + 3]));
                        ip += 4;
                    }
                    case Op.ADDI -> {
                        st.write(sp + 8L * code[ip + 1], st.read(sp + 8L * code[ip + 2]) + code[ip + 3]);
                        ip += 4;
                    }
                    case Op.JMP -> ip = code[ip + 1];
                    case Op.JLT -> ip = st.read(sp + 8L * code[ip + 1]) < st.read(sp + 8L * code[ip + 2]) ? code[ip + 3] : ip + 4;
                    case Op.JNZ -> ip = st.read(sp + 8L * code[ip + 1]) != 0 ? code[ip + 2] : ip + 3;
                    case Op.DECJNZ -> {
                        long a = sp + 8L * code[ip + 1];
                        long v = st.read(a) - 1;
                        st.write(a, v);
                        ip = v != 0 ? code[ip + 2] : ip + 3;
                    }
                    case Op.CALL -> {
                        int callee = code[ip + 1];
                        FuncInfo f = infoById[callee];
                        if (MutatorSupport.gcSafePointHook(rt) && !f.nosplit()) {
                            atSafePoint(mp, gp);
                        }
                        if (!f.nosplit() && Prologue.needsMoreStack(
                                FrameLayout.entrySp(sp, f), MutatorSupport.stackguard0(gp), f.frameSize())) {
                            if (preemptiblePrologue) {
                                int r = prologueSafePoint(mp, gp, st, fid, ip, sp);
                                if (r != 0) {
                                    return r;
                                }
                            }
                            MutatorSupport.morestack(mp, gp, FuncTab.pcOf(fid, ip), sp, FrameLayout.callBytes(f));
                            return MORESTACK;
                        }
                        long nsp = FrameLayout.calleeSp(sp, f);
                        if (nsp < MutatorSupport.stackLo(gp)) {
                            throw MutatorSupport.fatal("runtime: sp=" + MutatorSupport.hex(nsp)
                                    + " stack=[" + MutatorSupport.hex(MutatorSupport.stackLo(gp))
                                    + ", " + MutatorSupport.hex(MutatorSupport.stackHi(gp)) + "]", "nosplit stack overflow");
                        }
                        long argp = FrameLayout.argp(nsp, f);
                        int n = code[ip + 3];
                        for (int i = 0; i < n; i++) {
                            st.write(argp + 8L * i, st.read(sp + 8L * code[ip + 4 + i]));
                        }
                        FrameLayout.push(st, sp, f, FuncTab.pcOf(fid, ip));
                        sp = nsp;
                        fid = callee;
                        ip = 0;
                        code = codeById[fid];
                        fn = funcById[fid];
                    }
                    case Op.RET -> {
                        FuncInfo f = infoById[fid];
                        int src = code[ip + 1];
                        long val = src >= 0 ? st.read(sp + 8L * src) : 0;
                        long ret = st.read(FrameLayout.varp(sp, f));
                        if (ret == FuncTab.GOEXIT_PC) {
                            save(gp, fid, ip, sp);
                            return EXIT;
                        }
                        sp = FrameLayout.callerSp(sp, f);
                        fid = FuncTab.funcId(ret);
                        ip = FuncTab.pcIndex(ret);
                        code = codeById[fid];
                        fn = funcById[fid];
                        int dst = code[ip + 2];
                        if (dst >= 0) {
                            st.write(sp + 8L * dst, val);
                        }
                        ip += 4 + code[ip + 3];
                    }
                    case Op.NEW -> {
                        int r = newobj(mp, gp, st, sp, code, ip, fid);
                        ip += 3;
                        if (r == NEW_HOOK_RAN) {
                            // The GC hook ran with gp's state saved; a mark assist lets gp
                            // wait while it drains, and a scan may have shrunk (moved) gp's
                            // stack meanwhile. As Go's gcAssistAlloc says, the user stack may
                            // have moved: continue from the G's state, not the cached one.
                            st = stackOf(gp);
                            sp = gp.savedSp();
                        } else if (r != 0) {
                            // Already saved by newobj (and gp.sp is current: see above).
                            return r;
                        }
                    }
                    case Op.LOADP -> {
                        long a = fieldAddr(st, sp, code[ip + 2], code[ip + 3]);
                        long v = heap().readPointer(a);
                        checkPoison(gp, fid, ip, sp, a, v);
                        st.write(sp + 8L * code[ip + 1], v);
                        ip += 4;
                    }
                    case Op.STOREP -> {
                        heap().writePointer(fieldAddr(st, sp, code[ip + 1], code[ip + 2]), st.read(sp + 8L * code[ip + 3]));
                        ip += 4;
                    }
                    case Op.LOADW -> {
                        long a = fieldAddr(st, sp, code[ip + 2], code[ip + 3]);
                        long v = heap().readWord(a);
                        checkPoison(gp, fid, ip, sp, a, v);
                        st.write(sp + 8L * code[ip + 1], v);
                        ip += 4;
                    }
                    case Op.STOREW -> {
                        heap().writeWord(fieldAddr(st, sp, code[ip + 1], code[ip + 2]), st.read(sp + 8L * code[ip + 3]));
                        ip += 4;
                    }
                    case Op.SPAWN -> {
                        spawn(st, sp, code, ip);
                        ip += 3 + code[ip + 2];
                    }
                    case Op.SEND -> {
                        save(gp, fid, ip + 3, sp);
                        if (MutatorSupport.chansend(rt, mp, gp, chans[code[ip + 1]], sp + 8L * code[ip + 2])) {
                            return PARK;
                        }
                        ip += 3;
                    }
                    case Op.RECV -> {
                        save(gp, fid, ip + 3, sp);
                        if (MutatorSupport.chanrecv(rt, mp, gp, chans[code[ip + 1]], sp + 8L * code[ip + 2])) {
                            return PARK;
                        }
                        ip += 3;
                    }
                    case Op.SLEEP -> {
                        save(gp, fid, ip + 2, sp);
                        MutatorSupport.timeSleep(rt, mp, gp, 1000L * code[ip + 1]);
                        return PARK;
                    }
                    case Op.SYSCALL -> {
                        save(gp, fid, ip + 2, sp);
                        if (!syscall(mp, gp, code[ip + 1])) {
                            return EXITSYSCALL0;
                        }
                        ip += 2;
                    }
                    case Op.GOSCHED -> {
                        save(gp, fid, ip + 1, sp);
                        return GOSCHED;
                    }
                    case Op.GOEXIT -> {
                        save(gp, fid, ip, sp);
                        return GOEXIT;
                    }
                    case Op.BLOCK -> {
                        save(gp, fid, ip, sp);
                        MutatorSupport.block(mp, gp);
                        return PARK;
                    }
                    case Op.CHECKEQ -> {
                        long a = st.read(sp + 8L * code[ip + 1]);
                        long b = st.read(sp + 8L * code[ip + 2]);
                        if (a != b) {
                            save(gp, fid, ip, sp); // where it threw, for the fatal error's traceback
                            throw MutatorSupport.fatal("gcsim: " + fn.name() + " at " + ip + ": " + a + " != " + b,
                                    "mutator check failed");
                        }
                        ip += 3;
                    }
                    case Op.GC -> {
                        // runtime.GC(): resumed at this same instruction after each of its waits.
                        save(gp, fid, ip, sp);
                        GcHooks hooks = MutatorSupport.gcHooks(rt);
                        int r = hooks == null ? 0 : hooks.runtimeGC(mp, gp);
                        if (r != 0) {
                            return r;
                        }
                        ip += 1; // GC() returned without gp leaving the M: its stack did not move
                    }
                    case Op.READMEMSTATS -> {
                        // runtime.ReadMemStats: resumed at this same instruction after a wait for
                        // worldsema, and then holds it (UserStopTheWorld).
                        save(gp, fid, ip, sp);
                        if (MutatorSupport.readMemStats(rt, mp, gp) != 0) {
                            return PARK;
                        }
                        // From go1.15 the G is _Gwaiting while it stops the world: a mark worker
                        // may have scanned and shrunk (moved) its stack. Continue from its state.
                        st = stackOf(gp);
                        sp = gp.savedSp();
                        ip += 1;
                    }
                    case Op.TRACEADVANCE -> {
                        // One goroutine per step, at this same instruction (a safe point between
                        // them); gp was _Gwaiting meanwhile, so its stack may have moved.
                        save(gp, fid, ip, sp);
                        int r = MutatorSupport.traceAdvance(rt, mp, gp);
                        if (r == GoCode.PARK) {
                            return PARK;
                        }
                        st = stackOf(gp);
                        sp = gp.savedSp();
                        if (r == 0) {
                            ip += 1;
                        }
                    }
                    default -> throw MutatorSupport.fatal("runtime: bad opcode " + code[ip] + " in " + fn.name());
                }
            }
        } finally {
            instructions.addAndGet(count);
        }
    }

    private static void save(G gp, int fid, int ip, long sp) {
        MutatorSupport.save(gp, FuncTab.pcOf(fid, ip), sp);
    }

    private Heap heap() {
        Heap h = heap;
        if (h == null) {
            throw MutatorSupport.fatal("program uses the heap but none was given");
        }
        return h;
    }

    private static long fieldAddr(Stack st, long sp, int slot, int field) {
        long obj = st.read(sp + 8L * slot);
        if (obj == 0) {
            throw MutatorSupport.fatal("panic: runtime error: invalid memory address or nil pointer dereference",
                    "invalid memory address or nil pointer dereference");
        }
        return obj + 8L * field;
    }

    private void checkPoison(G gp, int fid, int ip, long sp, long addr, long v) {
        if (Heap.isPoison(v)) {
            useAfterFree.incrementAndGet();
            save(gp, fid, ip, sp); // where it threw, for the fatal error's traceback
            FuncInfo f = infoById[fid];
            throw MutatorSupport.fatal("runtime: read of a freed (poisoned) heap word by goroutine " + gp.goid() + " in "
                    + (f == null ? "?" : f.name()) + " at instruction " + ip + ": " + heap().describe(addr),
                    "use of freed object");
        }
    }

    /** NEW: allocate on the P's mcache, then the GC's allocation hook. */
    private int newobj(M mp, G gp, Stack st, long sp, int[] code, int ip, int fid) {
        P pp = mp.p();
        if (pp == null) {
            throw MutatorSupport.fatal("mallocgc: no p");
        }
        Heap h = heap();
        ObjectType t = types[code[ip + 2]];
        MCache c = h.mcache(pp.id());
        long p = MutatorSupport.mallocgc(mp, h, c, t);
        st.write(sp + 8L * code[ip + 1], p);
        allocations.incrementAndGet();
        GcHooks hooks = MutatorSupport.gcHooks(rt);
        if (hooks != null) {
            save(gp, fid, ip + 3, sp);
            int r = hooks.afterAllocate(mp, gp, t.sizeBytes());
            return r != 0 ? r : NEW_HOOK_RAN;
        }
        return 0;
    }

    /** The stress hook at a cooperative safe point (a splittable prologue); see {@link GcHooks#atSafePoint}. */
    private void atSafePoint(M mp, G gp) {
        GcHooks h = MutatorSupport.gcHooks(rt);
        if (h != null) {
            h.atSafePoint(mp, gp);
        }
    }

    /**
     * {@link #newobj}'s result when the GC hook ran and gp continues: gp's pc
     * and sp were saved and may have changed (stack moved), so the caller
     * reloads them. Distinct from every {@link GoCode} reason.
     */
    private static final int NEW_HOOK_RAN = -1;

    /** SPAWN: go f(args) with the argument values copied onto the new G's stack. */
    private void spawn(Stack st, long sp, int[] code, int ip) {
        int callee = code[ip + 1];
        int n = code[ip + 2];
        long[] argv = new long[n];
        for (int i = 0; i < n; i++) {
            argv[i] = st.read(sp + 8L * code[ip + 3 + i]);
        }
        // newproc1: a stack-to-stack copy into a stack the GC will not scan this
        // cycle (new Gs start black). If the parent's stack may still be grey,
        // Go runs the write barrier over the pointer arguments (bulkBarrierBitmap);
        // the hook shades them whenever a cycle is marking, which covers that case.
        GcHooks hooks = MutatorSupport.gcHooks(rt);
        if (hooks != null) {
            for (int a : funcById[callee].ptrArgs()) {
                if (a < n && argv[a] != 0) {
                    hooks.shadeStackWrite(argv[a]);
                }
            }
        }
        MutatorSupport.newproc(rt, this, g -> pushOutermost(g, callee, argv));
    }

    /** SYSCALL: entersyscall, really block, exitsyscall. Returns false for the exitsyscall0 path. */
    private boolean syscall(M mp, G gp, int micros) {
        MutatorSupport.entersyscall(rt, mp, gp);
        Platform pl = platform;
        long deadline = pl.nanoTime() + 1000L * micros;
        for (long left = deadline - pl.nanoTime(); left > 0; left = deadline - pl.nanoTime()) {
            pl.parkNanos(this, left);
            MutatorSupport.checkExiting(rt);
        }
        return MutatorSupport.exitsyscall(rt, mp, gp);
    }

    private static Stack stackOf(G g) {
        Stack s = g.stack();
        if (s == null) {
            throw MutatorSupport.fatal("runtime: g has no stack");
        }
        return s;
    }

    // ---- asynchronous preemption (signal_unix.go doSigPreempt) ----

    /**
     * Where asyncPreempt's frame keeps what kind of pc it interrupted (a word of the
     * registers it saves): {@link #PC_PROLOGUE_MORESTACK} when the signal landed between a
     * failed prologue check and the morestack call, 0 anywhere else. Written at every
     * injection (the frame is not zeroed); the frame is scanned conservatively and never
     * adjusted, so the small constant is neither a pointer nor moved.
     */
    private static final long SAVED_PC_CLASS = 0;
    private static final long PC_PROLOGUE_MORESTACK = 1;

    /**
     * {@link gcsim.goroutines.GoVersion#GO1_25_PROLOGUE}: the prologue's check has failed
     * (gp's CALL of a splittable function at ip) and the next instruction would call
     * morestack; here that point is an async safe point (go1.25's tree at 3f3782feed; every
     * release marks it unsafe, Go #35470). A pending signal is handled as at any boundary,
     * and if it injects asyncPreempt, gp resumes at the morestack call (see {@link #run}).
     * Returns a yield reason, or 0 to go on to morestack.
     *
     * <p>The window is a few instructions in Go. The deterministic platform may pass the
     * baton in it; real threads, when the check saw a sync request (stackguard0 =
     * stackPreempt) and no signal has come yet, wait briefly for the one the preempter sends
     * after its request (suspendG and preemptone write stackguard0 first), as a slow
     * instruction would. Only this version has the window, so no other run changes.
     */
    private int prologueSafePoint(M mp, G gp, Stack st, int fid, int ip, long sp) {
        if (deterministic) {
            platform.instructionBoundary();
        } else if (MutatorSupport.syncPreemptRequested(gp)) {
            long end = System.nanoTime() + PROLOGUE_WINDOW_NANOS;
            while (!MutatorSupport.signalPending(mp) && System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        }
        if (!MutatorSupport.signalPending(mp)) {
            return 0;
        }
        return signal(mp, gp, st, fid, ip, sp, true);
    }

    /** The longest a real thread waits in {@link #prologueSafePoint} for the preempter's signal. */
    private static final long PROLOGUE_WINDOW_NANOS = 20_000;

    /** Handles a pending "signal" between instructions; see {@link #signal(M, G, Stack, int, int, long, boolean)}. */
    private int signal(M mp, G gp, Stack st, int fid, int ip, long sp) {
        return signal(mp, gp, st, fid, ip, sp, false);
    }

    /**
     * Handles a pending "signal" at gp's pc (fid, ip), in a prologue's morestack window when
     * {@code inPrologue}; returns a yield reason or 0 to continue (gp.sp may change).
     */
    private int signal(M mp, G gp, Stack st, int fid, int ip, long sp, boolean inPrologue) {
        MutatorSupport.checkExiting(rt);
        if (!MutatorSupport.oneSignalInFlight(mp)) {
            return signalFlood(mp, gp, st, fid, ip, sp, inPrologue);
        }
        int r = 0;
        if (MutatorSupport.asyncPreemptWanted(mp, gp) && isAsyncSafePoint(gp, fid, sp)) {
            injectAsyncPreempt(gp, st, fid, ip, sp, inPrologue);
            r = PREEMPT_ASYNC;
        } else {
            MutatorSupport.saveSp(gp, sp);
        }
        // Acknowledge the preemption. When the signal was not acted on (not an async
        // safe point), a suspender parked on gp (--suspend park) must look again and
        // resend, as Go's suspendG does when it sees preemptGen move.
        MutatorSupport.signalHandled(mp, gp, r != 0);
        // The handler's cost, after the acknowledgement (sigreturn's part): a signal sent
        // meanwhile is pending again and is handled at the next boundary.
        MutatorSupport.signalHandlerRun(mp, signalCost);
        return r;
    }

    /**
     * go1.14.0 (no {@code m.signalPending}): every preemptM call was a signal, and the
     * pending ones are delivered one after the other, each a full handler run, before gp
     * runs another instruction (a signal sent while the handler runs is delivered again at
     * sigreturn). The first run at an async safe point injects asyncPreempt; the later ones
     * find gp at asyncPreempt's entry, not a safe point, and only acknowledge (bump
     * preemptGen, which lets each suspendG loop send again). While preempters keep the
     * count above zero gp never reaches asyncPreempt2: Go #37741's livelock. The cost of a
     * run ({@link MutatorSupport#signalHandlerRun}, the program's {@code signalcost} or 2 µs)
     * is a model, charged after the acknowledgement (sigreturn's part, when a sender may
     * already have sent the next): a flood lasts when the M's senders together send faster
     * than that cost.
     */
    private int signalFlood(M mp, G gp, Stack st, int fid, int ip, long sp, boolean inPrologue) {
        int r = 0;

        do {
            MutatorSupport.takeSignal(mp);
            if (r == 0 && MutatorSupport.asyncPreemptWanted(mp, gp) && isAsyncSafePoint(gp, fid, sp)) {
                injectAsyncPreempt(gp, st, fid, ip, sp, inPrologue);
                r = PREEMPT_ASYNC;
            }
            MutatorSupport.signalAcknowledged(mp, gp, r != 0);
            MutatorSupport.signalHandlerRun(mp, floodSignalCost);
            MutatorSupport.checkExiting(rt);
        } while (MutatorSupport.signalPending(mp));
        if (r == 0) {
            MutatorSupport.saveSp(gp, sp);
        }
        return r;
    }

    /** Pushes an asyncPreempt frame returning to (fid, ip) and makes it gp's pc (Go's pushCall in doSigPreempt). */
    private void injectAsyncPreempt(G gp, Stack st, int fid, int ip, long sp, boolean inPrologue) {
        long nsp = FrameLayout.push(st, sp, asyncPreemptFn, FuncTab.pcOf(fid, ip));
        st.write(nsp + SAVED_PC_CLASS, inPrologue ? PC_PROLOGUE_MORESTACK : 0);
        MutatorSupport.save(gp, FuncTab.pcOf(asyncPreemptId, 0), nsp);
    }

    /**
     * The interpreter's half of Go's isAsyncSafePoint (the runtime's half, that
     * mp runs gp and may be preempted, is {@link MutatorSupport#asyncPreemptWanted}):
     * room on the stack for the injected frame, not in a nosplit function.
     */
    private boolean isAsyncSafePoint(G gp, int fid, long sp) {
        long lo = MutatorSupport.stackLo(gp);
        if (sp < lo || sp - lo < asyncPreemptStack) {
            return false;
        }
        FuncInfo f = infoById[fid];
        return f != null && !f.nosplit();
    }
}
