package gcsim.gcmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class GcWorkTest {
    @Test
    void lifoWithinABufferAndEmptyWhenDrained() {
        GcWork w = GcWork.create(new WorkPool());
        assertThat(w.empty()).isTrue();
        assertThat(w.tryGet()).isZero();
        w.put(8);
        w.put(16);
        assertThat(w.empty()).isFalse();
        assertThat(w.tryGet()).isEqualTo(16);
        assertThat(w.tryGetFast()).isEqualTo(8);
        assertThat(w.tryGetFast()).isZero();
        assertThat(w.empty()).isTrue();
    }

    @Test
    void overflowingBothBuffersPublishesAFullBufferToThePool() {
        WorkPool pool = new WorkPool();
        GcWork w = GcWork.create(pool);
        for (int i = 1; i <= 2 * Workbuf.CAPACITY + 1; i++) {
            w.put(i * 8L);
        }
        assertThat(w.flushedWork).isTrue();
        assertThat(pool.fullIsEmpty()).isFalse();
        // Another worker can take the published work.
        GcWork thief = GcWork.create(pool);
        assertThat(thief.tryGet()).isNotZero();
    }

    @Test
    void disposeReturnsCachedWorkToTheFullList() {
        WorkPool pool = new WorkPool();
        GcWork w = GcWork.create(pool);
        w.put(64);
        w.dispose();
        assertThat(w.empty()).isTrue();
        assertThat(w.flushedWork).isTrue();
        assertThat(GcWork.create(pool).tryGet()).isEqualTo(64);
        assertThat(pool.fullIsEmpty()).isTrue();
        pool.checkAllEmpty();
    }

    @Test
    void balanceHandsOffHalfOfABusyBuffer() {
        WorkPool pool = new WorkPool();
        GcWork w = GcWork.create(pool);
        for (int i = 1; i <= 10; i++) {
            w.put(i * 8L);
        }
        w.balance();
        assertThat(pool.fullIsEmpty()).isFalse();
        long fromThief = 0;
        GcWork thief = GcWork.create(pool);
        for (long p; (p = thief.tryGetFast()) != 0 || (p = thief.tryGet()) != 0; ) {
            fromThief++;
        }
        long mine = 0;
        while (w.tryGetFast() != 0) {
            mine++;
        }
        assertThat(fromThief).isEqualTo(5);
        assertThat(mine).isEqualTo(5);
    }

    @Test
    void poolInvariantsThrowGosMessages() {
        WorkPool pool = new WorkPool();
        Workbuf b = pool.getempty();
        assertThatThrownBy(() -> pool.putfull(b)).isInstanceOf(GoThrow.class).hasMessage("workbuf is empty");
        b.obj[b.nobj++] = 8;
        assertThatThrownBy(() -> pool.putempty(b)).isInstanceOf(GoThrow.class).hasMessage("workbuf is not empty");
        pool.putfull(b);
        assertThatThrownBy(pool::checkAllEmpty).isInstanceOf(GoThrow.class)
                .hasMessage("cannot free workbufs when work.full != 0");
    }

    /**
     * Four workers each produce distinct pointers while draining, balancing and
     * stealing through the shared pool; every pointer is consumed exactly once.
     */
    @RepeatedTest(20)
    void concurrentProducersAndConsumersLoseAndDuplicateNothing() throws Exception {
        int workers = 4;
        int perWorker = 20_000;
        WorkPool pool = new WorkPool();
        AtomicLongArray seen = new AtomicLongArray(workers * perWorker);
        AtomicLong consumed = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(workers);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < workers; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    GcWork w = GcWork.create(pool);
                    start.await();
                    for (int i = 0; i < perWorker; i++) {
                        long ptr = (long) (id * perWorker + i + 1) << 3;
                        if (!w.putFast(ptr)) {
                            w.put(ptr);
                        }
                        if (i % 3 == 0) {
                            take(w, seen, consumed);
                        }
                        if (i % 500 == 0) {
                            w.balance();
                        }
                    }
                    while (take(w, seen, consumed)) {
                        // drain own work and whatever others published
                    }
                    w.dispose();
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(failures).isEmpty();
        // Whatever a worker disposed after others stopped stealing is still in the pool.
        GcWork sweeper = GcWork.create(pool);
        while (take(sweeper, seen, consumed)) {
            // drain
        }
        assertThat(consumed.get()).isEqualTo((long) workers * perWorker);
        for (int i = 0; i < seen.length(); i++) {
            assertThat(seen.get(i)).as("pointer %d", i).isEqualTo(1);
        }
    }

    /**
     * fullIsEmpty is a counter (Go's one-load work.full == 0): after producers and consumers
     * raced on the full list, it agrees with the list, and keeps agreeing buffer by buffer as the
     * list is drained (a counter that drifted by one race would fail here).
     */
    @RepeatedTest(20)
    void fullIsEmptyAgreesWithTheFullListUnderConcurrentPutsAndTakes() throws Exception {
        WorkPool pool = new WorkPool();
        int threads = 4;
        int rounds = 2_000;
        AtomicLong taken = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean producer = t % 2 == 0;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        if (producer) {
                            Workbuf b = pool.getempty();
                            b.obj[b.nobj++] = 8;
                            pool.putfull(b);
                        } else {
                            Workbuf b = pool.trygetfull();
                            if (b != null) {
                                b.nobj = 0;
                                pool.putempty(b);
                                taken.incrementAndGet();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(failures).isEmpty();
        long listed = (long) (threads / 2) * rounds - taken.get();
        assertThat(pool.fullIsEmpty()).isEqualTo(listed == 0);
        long drained = 0;
        for (Workbuf b; (b = pool.trygetfull()) != null; ) {
            assertThat(pool.fullIsEmpty()).as("with %d still listed", listed - drained - 1)
                    .isEqualTo(listed - drained - 1 == 0);
            b.nobj = 0;
            pool.putempty(b);
            drained++;
        }
        assertThat(drained).isEqualTo(listed);
        assertThat(pool.fullIsEmpty()).isTrue();
    }

    private static boolean take(GcWork w, AtomicLongArray seen, AtomicLong consumed) {
        long p = w.tryGetFast();
        if (p == 0) {
            p = w.tryGet();
        }
        if (p == 0) {
            return false;
        }
        seen.incrementAndGet((int) (p >>> 3) - 1);
        consumed.incrementAndGet();
        return true;
    }
}
