package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's two lock-free stacks (Go's lfstack): LIFO, empty exactly when the head word is 0,
 * and, under real threads popping and pushing the same few buffers back as fast as they can
 * (where a stack without lfstack's push count loses or duplicates buffers: ABA), every buffer is
 * held by at most one thread at a time and none is lost.
 */
@Timeout(60)
class WorkPoolLfstackTest {
    @Test
    void lifoAndEmptyExactlyWhenTheHeadWordIsZero() {
        WorkPool pool = new WorkPool();
        assertThat(pool.fullIsEmpty()).isTrue();
        assertThat(pool.fullWord()).isZero();
        List<Workbuf> bufs = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // more than one allocation batch
            Workbuf b = pool.getempty();
            b.obj[b.nobj++] = 8L * (i + 1);
            bufs.add(b);
            pool.putfull(b);
        }
        assertThat(pool.fullIsEmpty()).isFalse();
        assertThat(pool.fullWord()).isNotZero();
        assertThat(pool.fullCount()).isEqualTo(20);
        for (int i = bufs.size() - 1; i >= 0; i--) {
            assertThat(pool.trygetfull()).isSameAs(bufs.get(i));
        }
        assertThat(pool.trygetfull()).isNull();
        assertThat(pool.fullIsEmpty()).isTrue();
        assertThat(pool.buffersAllocated()).isEqualTo(32); // two batches of 16
    }

    /**
     * lfstack's ABA case, made deterministic: while one pop has read the top buffer X and X's next
     * (Y), another "thread" pops X and Y and pushes X back. X is on top again, but with a new push
     * count, so the first pop's CAS fails and it retries: it gets X, and Y, which the other holds,
     * is not on the list. Without the count the CAS would succeed and put Y back on top.
     */
    @Test
    void aBufferPoppedAndPushedBackUnderAPopIsNotMistakenForTheSameTop() {
        WorkPool pool = new WorkPool();
        Workbuf y = pool.getempty();
        y.obj[y.nobj++] = 16;
        pool.putfull(y);
        Workbuf x = pool.getempty();
        x.obj[x.nobj++] = 8;
        pool.putfull(x);
        Workbuf[] other = new Workbuf[2];
        pool.setPopRaceForTest(() -> {
            other[0] = pool.trygetfull(); // x
            other[1] = pool.trygetfull(); // y, which the other keeps
            pool.putfull(other[0]);       // x back on top, nothing under it
        });
        assertThat(pool.trygetfull()).isSameAs(x);
        assertThat(other).containsExactly(x, y);
        assertThat(pool.trygetfull()).as("y is held by the other thread: the list is empty").isNull();
        assertThat(pool.fullIsEmpty()).isTrue();
    }

    @RepeatedTest(5)
    void concurrentPopsAndPushesOfFewBuffersLoseAndShareNone() throws Exception {
        WorkPool pool = new WorkPool();
        int buffers = 3; // few buffers, many threads: the same buffer is popped and pushed back constantly
        Map<Workbuf, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < buffers; i++) {
            Workbuf b = pool.getempty();
            b.obj[b.nobj++] = 8;
            index.put(b, i);
        }
        index.keySet().forEach(pool::putfull);
        AtomicIntegerArray holders = new AtomicIntegerArray(buffers);
        int threads = 4;
        int rounds = 200_000;
        Concurrently.run(threads, t -> {
            for (int r = 0; r < rounds; r++) {
                Workbuf b = pool.trygetfull();
                if (b == null) {
                    continue;
                }
                Integer i = index.get(b);
                if (i == null || holders.getAndIncrement(i) != 0) {
                    throw new AssertionError("buffer " + i + " popped while another thread held it");
                }
                holders.decrementAndGet(i);
                pool.putfull(b);
            }
        });
        // Pop what is left, at most one more than there are buffers (a broken stack may be a cycle).
        List<Workbuf> left = new ArrayList<>();
        for (Workbuf b; left.size() <= buffers && (b = pool.trygetfull()) != null; ) {
            left.add(b);
        }
        assertThat(left).as("every buffer back on the list, each once").doesNotHaveDuplicates().hasSize(buffers);
    }
}
