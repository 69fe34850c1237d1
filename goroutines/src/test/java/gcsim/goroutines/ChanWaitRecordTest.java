package gcsim.goroutines;

import static gcsim.goroutines.GStatus.G_SCAN;
import static gcsim.goroutines.GStatus.G_WAITING;
import static gcsim.goroutines.GStatus.casfromGscanstatus;
import static gcsim.goroutines.GStatus.castogscanstatus;
import static gcsim.goroutines.GStatus.readgstatus;
import static org.assertj.core.api.Assertions.assertThat;

import gcsim.goroutines.mutator.Program;
import gcsim.heap.ObjectType;
import gcsim.stacks.Stack;
import org.junit.jupiter.api.Test;

/**
 * Only a G drops its own channel wait record (Go keeps gp.waiting until the G
 * resumes in chansend/chanrecv). A stack shrink holds the waiting G's scan bit
 * and reads gp.waiting without the channel lock to decide whether to take it
 * (syncadjustsudogs); when the partner cleared the record after its direct copy
 * into the stack, a shrink could read null and copy the stack without the lock,
 * racing that copy. Real threads: the partner is a goroutine on another M.
 */
class ChanWaitRecordTest {

    @Test
    void thePartnerOfAChannelWaitLeavesTheRecordUntilTheWaiterRuns() throws Exception {
        ObjectType cell = ObjectType.scalars("cell", 1);
        Program p = Program.builder()
                .type(cell)
                .chan("c", 0, false)
                .func("receiver", 1, 0).recv("c", 0).block().end()
                // sender(flag): waits for the test to set flag[0], then sends 7 once.
                .func("sender", 2, 1).ptrArgs(0)
                    .label("l").loadw(0, 3, 0).jnz(0, "go").sleep(50).jmp("l")
                    .label("go").constant(1, 7).send("c", 1).block().end()
                // main sleeps in a loop rather than blocking: with the receiver and the sender
                // blocked for ever at the end, a pending timer keeps checkdead from (rightly)
                // throwing "all goroutines are asleep" before the last check has looked.
                .func("main", 1, 0).ptrLocals(0)
                    .newobj(0, "cell").spawn("receiver").spawn("sender", 0)
                    .label("idle").sleep(1_000_000).jmp("idle").end()
                .build();
        try (TestRt t = new TestRt(p, SchedConfig.of(2)).start()) {
            long flag = t.mainLocal0();
            TestRt.until(() -> t.rt.allgs().length == 3 && readgstatus(t.rt.allgs()[1]) == G_WAITING
                    && t.rt.allgs()[1].waitreason == WaitReason.CHAN_RECEIVE, t.rt);
            G receiver = t.rt.allgs()[1];
            // Hold the receiver's stack as a shrink does (suspendG of a waiting G).
            assertThat(castogscanstatus(receiver, G_WAITING, G_WAITING | G_SCAN)).isTrue();
            Sudog record = receiver.waiting;
            assertThat(record).as("a G parked on a channel has its wait record").isNotNull();
            Stack stack = receiver.stack;
            assertThat(stack).isNotNull();
            long slot = record.elem;
            t.heap.writeWord(flag, 1);
            // The sender copies 7 into our slot under the channel lock, clears the record's
            // elem (Go's sg.elem = nil), then readies us (ready waits for the scan bit).
            TestRt.until(() -> stack.read(slot) == 7, t.rt);
            TestRt.until(() -> record.elem == 0, t.rt);
            assertThat(receiver.waiting).as("the partner must not drop the waiting G's record").isSameAs(record);
            casfromGscanstatus(receiver, G_WAITING | G_SCAN, G_WAITING);
            // The receiver runs, drops its record itself, and blocks for ever.
            TestRt.until(() -> receiver.waiting == null && readgstatus(receiver) == G_WAITING
                    && receiver.waitreason == WaitReason.SELECT_NO_CASES, t.rt);
        }
    }
}
