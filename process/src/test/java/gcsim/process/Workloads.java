package gcsim.process;

import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;

/**
 * Mutator programs that check their own data: every list node carries the
 * value it was given, and the goroutine that built a list walks it again
 * after GC cycles ran, failing with "mutator check failed" on a wrong value
 * and with a poisoned-read throw on a freed node. They loop for ever; tests
 * stop the runtime when their cycles are done.
 */
final class Workloads {
    private Workloads() {}

    /** node: word 0 next (pointer), word 1 value (scalar). */
    static final ObjectType NODE = ObjectType.withPointers("node", 2, 0);
    /** holder: word 0 first (pointer). */
    static final ObjectType HOLDER = ObjectType.withPointers("holder", 1, 0);
    static final ObjectType GARBAGE = ObjectType.scalars("garbage", 4);

    /**
     * {@code goroutines} workers, each for ever: build a list of {@code n}
     * nodes (dropping garbage between), descend {@code depth} frames holding
     * the list only in arguments, verify it at the bottom, return, drop it.
     */
    static Program listsOnStacks(int goroutines, int n, int depth) {
        return Program.builder()
                .type(NODE).type(GARBAGE)
                // verify(head): walk and check values n-1 .. 0
                .func("verify", 4, 1).ptrLocals(0).ptrArgs(0)
                    // 0 cur, 1 expected, 2 v, 3 scalar tmp; arg slot 5
                    .mov(0, 5)
                    .constant(1, n - 1)
                    .label("walk")
                    .loadw(2, 0, 1)
                    .checkeq(2, 1)
                    .addi(1, 1, -1)
                    .loadp(0, 0, 0)
                    .jnz(0, "walk")
                    .constant(3, -1)
                    .checkeq(1, 3)
                    .ret().end()
                // deep(head, d): recursion holding head only in args
                .func("deep", 2, 2).ptrLocals(0).ptrArgs(0)
                    // locals 0 scratch, 1 d-1; args: slot 3 head, slot 4 d
                    .jnz(4, "down")
                    .call("verify", -1, 3)
                    .ret()
                    .label("down")
                    .addi(1, 4, -1)
                    .newobj(0, "garbage")
                    .call("deep", -1, 3, 1)
                    .ret().end()
                .func("worker", 6, 0).ptrLocals(0, 1)
                    // 0 head, 1 tmp, 2 i, 3 n, 4 depth, 5 garbage(scalar ref not kept)
                    .label("round")
                    .clear(0)
                    .constant(2, 0)
                    .constant(3, n)
                    .label("build")
                    .newobj(1, "node")
                    .storew(1, 1, 2)
                    .storep(1, 0, 0)
                    .mov(0, 1)
                    .newobj(1, "garbage")
                    .addi(2, 2, 1)
                    .jlt(2, 3, "build")
                    .clear(1)
                    .constant(4, depth)
                    .call("deep", -1, 0, 4)
                    .jmp("round")
                    .end()
                .func("main", 1, 0)
                    .constant(0, goroutines)
                    .label("spawn").spawn("worker").decjnz(0, "spawn")
                    .block()
                    .end()
                .entry("main")
                .build();
    }

    /**
     * Workers that move nodes between two lists held in heap objects, the
     * shape the deletion half of the write barrier exists for: a node leaves
     * holder A (A.first = X.next) and joins holder B (X.next = B.first;
     * B.first = X). Without the barrier, a node can move from a not yet
     * scanned holder into an already scanned one and be lost.
     */
    static Program shuffleBetweenHolders(int goroutines, int n) {
        return Program.builder()
                .type(NODE).type(HOLDER)
                .func("count", 3, 1).ptrLocals(0).ptrArgs(0)
                    // returns the number of nodes in the list at arg slot 4, checking values are < n
                    .loadp(0, 4, 0)
                    .constant(1, 0)
                    .jnz(0, "walk")
                    .ret(1)
                    .label("walk")
                    .addi(1, 1, 1)
                    .loadw(2, 0, 1)
                    .loadp(0, 0, 0)
                    .jnz(0, "walk")
                    .ret(1)
                    .end()
                .func("worker", 9, 0).ptrLocals(0, 1, 2, 3)
                    // 0 holder A, 1 holder B, 2 x, 3 tmp; 4 i, 5 n, 6 moves, 7 total, 8 c
                    .newobj(0, "holder")
                    .newobj(1, "holder")
                    .constant(4, 0)
                    .constant(5, n)
                    .label("fill")
                    .newobj(2, "node")
                    .storew(2, 1, 4)
                    .loadp(3, 0, 0)
                    .storep(2, 0, 3)
                    .storep(0, 0, 2)
                    .addi(4, 4, 1)
                    .jlt(4, 5, "fill")
                    .clear(2).clear(3)
                    .label("forever")
                    .constant(6, 200_000)
                    .label("move")
                    // x = A.first; if x == nil swap A and B
                    .loadp(2, 0, 0)
                    .jnz(2, "take")
                    .mov(3, 0).mov(0, 1).mov(1, 3)
                    .jmp("move")
                    .label("take")
                    .loadp(3, 2, 0)
                    .storep(0, 0, 3)      // A.first = x.next (deletes x from A)
                    .loadp(3, 1, 0)
                    .storep(2, 0, 3)      // x.next = B.first
                    .storep(1, 0, 2)      // B.first = x
                    .clear(2).clear(3)
                    .decjnz(6, "move")
                    // every node is still in A or B
                    .call("count", 7, 0)
                    .call("count", 8, 1)
                    .add(7, 7, 8)
                    .checkeq(7, 5)
                    .jmp("forever")
                    .end()
                .func("main", 1, 0)
                    .constant(0, goroutines)
                    .label("spawn").spawn("worker").decjnz(0, "spawn")
                    .block()
                    .end()
                .entry("main")
                .build();
    }

    /**
     * Go's TestPreemptionGC shape: {@code n} goroutines spin for ever through a
     * loop that makes calls (cooperative safe points only), while cycles run.
     */
    static Program spinnersWithCalls(int n) {
        return Program.builder()
                .func("leaf", 1, 1).addi(0, 2, 1).ret(0).end()
                .func("spin", 2, 0)
                    .label("l").call("leaf", 1, 0).jmp("l").end()
                .func("main", 1, 0)
                    .constant(0, n)
                    .label("spawn").spawn("spin").decjnz(0, "spawn")
                    .block()
                    .end()
                .entry("main")
                .build();
    }

    /** msg: word 0 next (pointer), word 1 value, word 2 check = 2 * value. */
    static final ObjectType MSG = ObjectType.withPointers("msg", 3, 0);

    /**
     * Producers build two-node messages and send the head through a buffered
     * and an unbuffered channel; consumers receive, check both nodes' values
     * against their check words and drop them. Meanwhile "churn" goroutines
     * are spawned, build and verify a small list, and exit, so dead Gs are
     * reused while the GC runs. Exercises the channel write barrier, direct
     * sends into a parked receiver's stack, and G reuse.
     */
    static Program channelsAndChurn(int pairs) {
        return Program.builder()
                .type(MSG).type(NODE)
                .chan("buffered", 16, true)
                .chan("direct", 0, true)
                .func("make", 4, 1).ptrLocals(0, 1).returnsPointer()
                    // make(v): head(v) -> tail(v+1); args: slot 5 = v
                    .newobj(0, "msg").newobj(1, "msg")
                    .storew(0, 1, 5).add(2, 5, 5).storew(0, 2, 2)
                    .addi(3, 5, 1).storew(1, 1, 3).add(2, 3, 3).storew(1, 2, 2)
                    .storep(0, 0, 1)
                    .ret(0).end()
                .func("check", 4, 1).ptrLocals(0).ptrArgs(0)
                    // check(head): both nodes satisfy check == 2 * value; args: slot 5
                    .mov(0, 5)
                    .label("node")
                    .loadw(1, 0, 1).loadw(2, 0, 2).add(3, 1, 1).checkeq(2, 3)
                    .loadp(0, 0, 0)
                    .jnz(0, "node")
                    .ret().end()
                .func("producer", 3, 0).ptrLocals(0)
                    .constant(1, 1)
                    .label("l")
                    .call("make", 0, 1).send("buffered", 0)
                    .call("make", 0, 1).send("direct", 0)
                    .clear(0)
                    .addi(1, 1, 2)
                    .jmp("l").end()
                .func("consumer", 1, 0).ptrLocals(0)
                    .label("l")
                    .recv("buffered", 0).call("check", -1, 0)
                    .recv("direct", 0).call("check", -1, 0)
                    .clear(0)
                    .jmp("l").end()
                .func("churn", 4, 0).ptrLocals(0, 1)
                    .clear(0).constant(2, 0).constant(3, 20)
                    .label("b").newobj(1, "node").storew(1, 1, 2).storep(1, 0, 0).mov(0, 1)
                    .addi(2, 2, 1).jlt(2, 3, "b")
                    .constant(3, 19)
                    .label("v").loadw(2, 0, 1).checkeq(2, 3).addi(3, 3, -1).loadp(0, 0, 0).jnz(0, "v")
                    .ret().end()
                .func("main", 1, 0)
                    .constant(0, pairs)
                    .label("spawn").spawn("producer").spawn("consumer").decjnz(0, "spawn")
                    .label("forever").spawn("churn").sleep(200).jmp("forever")
                    .end()
                .entry("main")
                .build();
    }
}
