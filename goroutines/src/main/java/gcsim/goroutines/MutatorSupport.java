package gcsim.goroutines;

import gcsim.base.GoThrow;
import gcsim.heap.Heap;
import gcsim.heap.MCache;
import gcsim.heap.ObjectType;
import gcsim.stacks.Stack;
import gcsim.stacks.StackConstants;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The runtime operations the mutator language's interpreter
 * ({@code gcsim.goroutines.mutator.Interp}) may perform beyond the public API
 * of G, M and Sched, the way the collector talks to the runtime through
 * {@code gcsim.goroutines.internal.GcSupport}. In Go these are the places
 * where compiled code meets the runtime: the saved context ({@code g.sched}),
 * the prologue's stack bound and {@code morestack}, {@code mallocgc},
 * {@code newproc}, {@code chansend}/{@code chanrecv}, {@code timeSleep},
 * {@code entersyscall}/{@code exitsyscall}, {@code select {}} and the
 * preemption signal handler ({@code doSigPreempt}).
 *
 * <p><b>Who calls.</b> Only the package {@code gcsim.goroutines.mutator}
 * (ArchitectureTest fails the build when any other package outside this one
 * uses it). The interpreter treats G, M and Sched as handles: it reads them
 * through their public accessors ({@link G#stack()}, {@link G#savedPc()},
 * {@link M#curg()}, {@link Sched#platform()}...) and changes runtime state only
 * through the methods here.
 *
 * <p><b>Threads.</b> Unless a method says otherwise, it is called by the
 * thread of M {@code mp} while {@code mp} runs {@code gp} (gp is
 * {@code _Grunning} on mp and owns its stack), from inside
 * {@link GoCode#run}. The few that take a G which is not running (a new G's
 * first frame) say who owns it.
 *
 * <p><b>Cost.</b> Every method is a static call on this final class; the
 * ones on the interpreter's hot path ({@link #signalPending},
 * {@link #stackguard0}, {@link #gcSafePointHook}) are single field reads the
 * JIT inlines, so the interpreter pays nothing for the boundary.
 */
public final class MutatorSupport {
    private MutatorSupport() {}

    // ---- throws (Go's print(...); throw(msg)) ----

    /** Go's {@code throw(msg)}: returns the error for the caller to {@code throw}. Any thread. */
    public static GoThrow fatal(String msg) {
        return Throw.fatal(msg);
    }

    /** Go's {@code print(detail); throw(msg)}. Any thread. */
    public static GoThrow fatal(String detail, String msg) {
        return Throw.fatal(detail, msg);
    }

    /** Go's {@code hex(v)} as {@code print} formats it. Any thread. */
    public static String hex(long v) {
        return Throw.hex(v);
    }

    // ---- the saved context (Go's g.sched) and the stack bounds ----

    /**
     * Saves gp's innermost frame: {@code pc} ({@code funcId << 32 | index}) and
     * {@code sp}. Go's {@code gosave}/the compiler's spill before any call that
     * may leave the M: the G must be resumable from these by any M.
     */
    public static void save(G gp, long pc, long sp) {
        gp.pc = pc;
        gp.sp = sp;
    }

    /** Saves only gp's sp (the signal handler returning without a preemption: pc stays). */
    public static void saveSp(G gp, long sp) {
        gp.sp = sp;
    }

    /**
     * gp's {@code stackguard0}: the prologue compares the callee's frame with it.
     * A suspender or sysmon may set it to {@code stackPreempt} at any time (a
     * volatile read, once per splittable call).
     */
    public static long stackguard0(G gp) {
        return gp.stackguard0;
    }

    /** The low bound of gp's stack ({@code g.stack.lo}). */
    public static long stackLo(G gp) {
        return gp.stackLo;
    }

    /** The high bound of gp's stack ({@code g.stack.hi}). */
    public static long stackHi(G gp) {
        return gp.stackHi;
    }

    /**
     * Go's {@code morestack}: a prologue check failed. Saves the caller's
     * context at its CALL ({@code pc}, {@code sp}) and records the bytes the
     * callee needs (Go's {@code m.morebuf}); the interpreter then returns
     * {@link GoCode#MORESTACK} and mp runs newstack.
     */
    public static void morestack(M mp, G gp, long pc, long sp, int callBytes) {
        save(gp, pc, sp);
        mp.morestackCallBytes = callBytes;
    }

    /**
     * After gp came back from a channel park (Go's chansend/chanrecv after
     * gopark returns: {@code gp.waiting = nil}): only the G itself drops its
     * wait record, so a stack shrink that holds the G's scan bit while it waits
     * always finds the record and takes the channel lock.
     */
    public static void dropWaitRecord(G gp) {
        Sudog sg = gp.waiting;
        if (sg != null) {
            gp.waiting = null;
            gp.activeStackChans = false;
            // Go's releaseSudog: the partner cleared elem after its copy. A stack shrink
            // that adjusted the record without the channel lock (go1.14.1-go1.14.9, Go
            // #40641) can write its adjusted pointer back over that clear.
            if (sg.elem != 0) {
                throw Throw.fatal("runtime: sudog with non-nil elem");
            }
        }
    }

    // ---- preemption (signal_unix.go doSigPreempt, preempt.go asyncPreempt2) ----

    /**
     * Whether a preemption "signal" is pending for mp (Go's SIGURG, see
     * {@code M.preemptM}). Read at every instruction boundary: one volatile load.
     */
    public static boolean signalPending(M mp) {
        return mp.signalPending != 0;
    }

    /**
     * The runtime's half of Go's {@code wantAsyncPreempt(gp) && isAsyncSafePoint(gp, ...)}:
     * a preemption is queued for gp, mp runs gp, has a P and may be preempted
     * ({@link Suspension#canPreemptM}). The interpreter adds its half (room on the
     * stack for the injected frame, not in a nosplit function).
     */
    public static boolean asyncPreemptWanted(M mp, G gp) {
        return Suspension.wantAsyncPreempt(gp) && mp.curg == gp && mp.p != null && Suspension.canPreemptM(mp);
    }

    /**
     * The end of doSigPreempt: acknowledges the signal (bumps mp's
     * {@code preemptGen}, clears {@code signalPending}). When the handler did not
     * inject asyncPreempt ({@code preempted} false), a suspender parked on gp
     * ({@code --suspend park}) is woken to look again and resend, as Go's suspendG
     * does when it sees preemptGen move.
     */
    public static void signalHandled(M mp, G gp, boolean preempted) {
        mp.preemptGen++;
        mp.signalPending = 0;
        if (!preempted) {
            gp.wakeSuspender();
        }
    }

    /**
     * Whether mp's runtime has go1.14.1's {@code m.signalPending} (at most one signal in
     * flight, see {@link GoVersion#signalPending()}); when not, the interpreter delivers
     * the pending signals one handler run each ({@link #takeSignal}, {@link #signalAcknowledged},
     * {@link #signalHandlerRun}).
     */
    public static boolean oneSignalInFlight(M mp) {
        return mp.rt.config.goVersion().signalPending();
    }

    /** go1.14.0: the delivery of one pending signal to mp (see {@code M.takeSignal}). */
    public static void takeSignal(M mp) {
        mp.takeSignal();
    }

    /**
     * go1.14.0's doSigPreempt ending: bumps mp's {@code preemptGen} (the signal that was
     * delivered is already off the count) and, when the handler did not inject asyncPreempt,
     * wakes a parked suspender as {@link #signalHandled} does.
     */
    public static void signalAcknowledged(M mp, G gp, boolean preempted) {
        mp.preemptGen++;
        if (!preempted) {
            gp.wakeSuspender();
        }
    }

    /**
     * The default simulated time one signal handler run costs mp (kernel delivery, sighandler,
     * doSigPreempt, sigreturn). A model, not Go: about what a SIGURG costs a Linux thread. A
     * scenario sets its platform's own with a {@code signalcost} line
     * ({@code gcsim.goroutines.mutator.Program#signalCost}); the interpreter charges it for every
     * delivered signal under every version then. Without the line it charges this default only
     * where preemptM may flood an M (go1.14.0), so every other version's runs keep the schedule
     * they had before the cost was a parameter.
     */
    public static final long SIGNAL_HANDLER_NANOS = 2_000;

    /**
     * One signal handler run's cost to mp, {@code nanos} of work: the deterministic clock
     * advances and the baton passes (other threads may send more signals meanwhile); real
     * threads spin that long. Nothing when {@code nanos} is 0.
     */
    public static void signalHandlerRun(M mp, long nanos) {
        if (nanos > 0) {
            mp.rt.platform.work(nanos);
        }
    }

    /**
     * Whether rt's version lets a signal land in a function prologue, between a failed stack
     * check and its morestack call ({@link GoVersion#preemptiblePrologue()}). Read once, at load.
     */
    public static boolean preemptiblePrologue(Sched rt) {
        return rt.config.goVersion().preemptiblePrologue();
    }

    /**
     * Whether gp's stack guard holds a synchronous preemption request
     * ({@code stackguard0 == stackPreempt}). A plain read, as the prologue's load.
     */
    public static boolean syncPreemptRequested(G gp) {
        return gp.stackguard0 == StackConstants.STACK_PREEMPT;
    }

    /**
     * Go's {@code debug.SetMaxStack(bytes)} at the program's start (a scenario's
     * {@code maxstack} line): newstack throws "stack overflow" above it.
     */
    public static void setMaxStack(Sched rt, long bytes) {
        rt.growth().setMaxStack(bytes);
    }

    /** Back from an injected asyncPreempt (asyncPreempt2's tail): gp is no longer at an async safe point. */
    public static void leaveAsyncSafePoint(G gp) {
        gp.asyncSafePoint = false;
    }

    /**
     * Throws the runtime's exit signal when rt is shutting down (an M must stop
     * at its next check). Called at a signal and in a system call's wait.
     */
    public static void checkExiting(Sched rt) {
        rt.checkExiting();
    }

    // ---- the collector's hooks ----

    /** The collector's hooks installed in rt, or null outside a collected run. One volatile read. */
    public static @Nullable GcHooks gcHooks(Sched rt) {
        return rt.gcHooks;
    }

    /**
     * Whether rt's hooks want {@link GcHooks#atSafePoint} at every cooperative
     * safe point (the stress mode). One volatile read, once per splittable call.
     */
    public static boolean gcSafePointHook(Sched rt) {
        return rt.gcSafePointHook;
    }

    // ---- allocation and goroutine creation ----

    /**
     * Go's {@code mallocgc} on mp's P's mcache {@code c}: allocates one object of
     * type t with {@code mp.mallocing} set (mp may not be preempted meanwhile).
     * The caller then stores the pointer and runs the collector's allocation hook.
     */
    public static long mallocgc(M mp, Heap h, MCache c, ObjectType t) {
        mp.mallocing++;
        try {
            return h.allocate(c, t);
        } finally {
            mp.mallocing--;
        }
    }

    /** Go's {@code newproc}: a new goroutine running code; see {@link Sched#newproc}. Any thread. */
    public static G newproc(Sched rt, GoCode code, GInit init) {
        return rt.newproc(code, init);
    }

    /** Starts rt with its main goroutine; see {@link Sched#start}. The creating thread, once. */
    public static G start(Sched rt, GoCode main, GInit init) {
        return rt.start(main, init);
    }

    /**
     * The stack of newg (a G being created: {@code _Gdead}, owned by the
     * creating thread inside {@link GInit#init}), replaced by one of at least
     * {@code need} bytes (doubling) when it is smaller: Go's newproc1 sizes the
     * first stack for the entry frame. Throws {@code newproc1: newg missing stack}
     * when it has none.
     */
    public static Stack newgStack(Sched rt, G newg, int need) {
        Stack s = newg.stack;
        if (s == null) {
            throw Throw.fatal("newproc1: newg missing stack");
        }
        if (need > s.size()) {
            int size = s.size();
            while (size < need) {
                size *= 2;
            }
            rt.stackAllocator().stackfree(rt.stackcache(), s);
            s = rt.stackAllocator().stackalloc(rt.stackcache(), size);
            newg.setStack(s);
            newg.stackguard0 = newg.stackLo + StackConstants.STACK_GUARD;
        }
        return s;
    }

    // ---- blocking operations (gp leaves mp; the interpreter returns the GoCode reason) ----

    /** A channel created for a program loaded into rt (Go's makechan): its lock goes through rt's platform. */
    public static Chan makechan(Sched rt, int size, boolean elemIsPointer) {
        Chan c = new Chan(size, elemIsPointer);
        c.platform = rt.platform;
        return c;
    }

    /**
     * Go's blocking {@code chansend} of the word at stack address {@code slot}.
     * Returns true when gp must park (the wait is prepared: return
     * {@link GoCode#PARK}); false when the send completed. gp's context is saved
     * past the instruction by the caller first.
     */
    public static boolean chansend(Sched rt, M mp, G gp, Chan c, long slot) {
        return c.chansend(rt, mp, gp, slot);
    }

    /** Go's blocking {@code chanrecv} into stack address {@code slot}; as {@link #chansend}. */
    public static boolean chanrecv(Sched rt, M mp, G gp, Chan c, long slot) {
        return c.chanrecv(rt, mp, gp, slot);
    }

    /**
     * Go's {@code timeSleep}: gp's timer fires {@code nanos} from now on rt's
     * clock; gp parks ("sleep") and the timer is added by gopark's unlock
     * function, once gp is waiting. The caller returns {@link GoCode#PARK}.
     */
    public static void timeSleep(Sched rt, M mp, G gp, long nanos) {
        gp.timerWhen = rt.platform.nanoTime() + nanos;
        Sched.gopark(mp, gp, () -> rt.timers.addtimer(gp), WaitReason.SLEEP);
    }

    /**
     * {@code runtime.ReadMemStats}: stops and starts the world ({@link UserStopTheWorld}). 0 when
     * it returned (gp's stack may have moved: continue from its saved state), {@link GoCode#PARK}
     * when gp parked waiting for worldsema (it runs the call again when readied). gp's M, its
     * state saved at the instruction.
     */
    public static int readMemStats(Sched rt, M mp, G gp) {
        return UserStopTheWorld.readMemStats(rt, mp, gp);
    }

    /**
     * One step of the execution tracer's traceAdvance ({@link TraceAdvance#step}): 0 when the
     * instruction is done, {@link TraceAdvance#AGAIN} to run it again, {@link GoCode#PARK} when gp
     * parked for worldsema. gp's M, its state saved at the instruction.
     */
    public static int traceAdvance(Sched rt, M mp, G gp) {
        return TraceAdvance.step(rt, mp, gp);
    }

    /** {@code select {}}: gp parks for ever ("select (no cases)"). The caller returns {@link GoCode#PARK}. */
    public static void block(M mp, G gp) {
        Sched.gopark(mp, gp, null, WaitReason.SELECT_NO_CASES);
    }

    /** Go's {@code entersyscall}: gp goes to {@code _Gsyscall} and mp's P may be retaken meanwhile. */
    public static void entersyscall(Sched rt, M mp, G gp) {
        rt.syscalls.entersyscall(mp, gp);
    }

    /**
     * Go's {@code exitsyscall}: true when gp runs on (it got a P back); false
     * when the caller must return {@link GoCode#EXITSYSCALL0}.
     */
    public static boolean exitsyscall(Sched rt, M mp, G gp) {
        return rt.syscalls.exitsyscall(mp, gp);
    }
}
