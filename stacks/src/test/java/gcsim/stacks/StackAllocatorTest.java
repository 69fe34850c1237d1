package gcsim.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gcsim.base.GoThrow;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** stackalloc/stackfree: sizes, pools, per-P caches, stackLarge, statistics, concurrent reuse. */
class StackAllocatorTest {

    @Test
    void smallAndLargeStacksHaveTheirSizeInTheStackRange() {
        StackAllocator a = new StackAllocator(1);
        for (int size = 2048; size <= 1 << 20; size <<= 1) {
            Stack s = a.stackalloc(a.stackcache(0), size);
            assertThat(s.size()).isEqualTo(size);
            assertThat(s.lo).isGreaterThanOrEqualTo(StackAllocator.STACK_BASE);
            assertThat(s.lo % 2048).isZero();
            s.write(s.lo, 1);
            s.write(s.hi - 8, 2);
            assertThat(s.read(s.lo)).isEqualTo(1);
            assertThat(s.read(s.hi - 8)).isEqualTo(2);
        }
    }

    @Test
    void badSizesAndBadAccessesThrow() {
        StackAllocator a = new StackAllocator(0);
        assertThatThrownBy(() -> a.stackalloc(3000)).isInstanceOf(GoThrow.class)
                .hasMessage("stack size not a power of 2");
        Stack s = a.stackalloc(2048);
        assertThatThrownBy(() -> s.read(s.hi)).isInstanceOf(GoThrow.class);
        assertThatThrownBy(() -> s.write(s.lo - 8, 1)).isInstanceOf(GoThrow.class);
        assertThatThrownBy(() -> s.read(s.lo + 4)).isInstanceOf(GoThrow.class);
        a.stackfree(s);
        assertThatThrownBy(() -> a.stackfree(s)).isInstanceOf(GoThrow.class)
                .hasMessage("stackfree: stack not in use");
    }

    @Test
    void stacksOfOneSpanDoNotOverlapAndShareItsMemory() {
        StackAllocator a = new StackAllocator(0);
        List<Stack> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Stack s = a.stackalloc(2048);
            s.write(s.lo, i);
            s.write(s.hi - 8, -i);
            all.add(s);
        }
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).read(all.get(i).lo)).isEqualTo(i);
            assertThat(all.get(i).read(all.get(i).hi - 8)).isEqualTo(-i);
        }
        assertThat(all.stream().mapToLong(s -> s.lo).distinct().count()).isEqualTo(40);
        // 40 stacks of 2 KiB need three 32 KiB spans.
        assertThat(a.stackInuse()).isEqualTo(3 * 32 * 1024);
    }

    @Test
    void statisticsFollowSpans() {
        StackAllocator a = new StackAllocator(0);
        Stack s = a.stackalloc(2048);
        assertThat(a.stackInuse()).isEqualTo(32 * 1024);
        assertThat(a.stackSys()).isEqualTo(32 * 1024);
        a.stackfree(s); // span empty and GC off: back to the span heap
        assertThat(a.stackInuse()).isZero();
        assertThat(a.stackSys()).isEqualTo(32 * 1024);
        Stack big = a.stackalloc(32 * 1024); // reuses the freed 4-page span
        assertThat(a.stackSys()).isEqualTo(32 * 1024);
        assertThat(big.lo).isEqualTo(StackAllocator.STACK_BASE);
        assertThat(s.lo).isBetween(StackAllocator.STACK_BASE, StackAllocator.STACK_BASE + 32 * 1024 - 2048);
        Stack huge = a.stackalloc(1 << 20);
        assertThat(a.stackInuse()).isEqualTo(32 * 1024 + (1 << 20));
        a.stackfree(huge);
        a.stackfree(big);
        assertThat(a.stackInuse()).isZero();
        assertThat(a.stackSys()).isEqualTo(32 * 1024 + (1 << 20));
    }

    @Test
    void gcDelaysFreeingSpansUntilFreeStackSpans() {
        StackAllocator a = new StackAllocator(0);
        a.setGcRunning(true);
        Stack small = a.stackalloc(4096);
        Stack large = a.stackalloc(64 * 1024);
        long inuse = a.stackInuse();
        a.stackfree(small);
        a.stackfree(large);
        assertThat(a.stackInuse()).isEqualTo(inuse);
        // A large stack freed during GC sits in stackLarge and is reused from there.
        Stack again = a.stackalloc(64 * 1024);
        assertThat(again).isSameAs(large);
        a.stackfree(again);
        a.setGcRunning(false);
        a.freeStackSpans();
        assertThat(a.stackInuse()).isZero();
    }

    @Test
    void perPCacheRefillsHalfAndReleasesDownToHalf() {
        StackAllocator a = new StackAllocator(1);
        StackCache c = a.stackcache(0);
        Stack first = a.stackalloc(c, 2048);
        assertThat(c.cachedBytes(0)).isEqualTo(16 * 1024 - 2048);
        a.stackfree(c, first);
        assertThat(a.stackalloc(c, 2048)).as("LIFO reuse from the cache").isSameAs(first);
        List<Stack> stacks = new ArrayList<>(List.of(first));
        for (int i = 0; i < 16; i++) {
            stacks.add(a.stackalloc(c, 2048));
        }
        for (Stack s : stacks) {
            a.stackfree(c, s);
        }
        // Reaching 32 KiB released the list down to 16 KiB before the last free.
        assertThat(c.cachedBytes(0)).isLessThanOrEqualTo(32 * 1024).isGreaterThanOrEqualTo(16 * 1024);
        a.stackcacheClear(c);
        assertThat(c.cachedBytes(0)).isZero();
        assertThat(a.stackInuse()).isZero();
    }

    /**
     * Go's TestStackCache situation: several threads, each with its own P cache, allocate
     * and free stacks of all sizes for many rounds. No stack is ever handed out twice at
     * once, no thread sees another's data, and freed memory is reused rather than reserved
     * anew.
     */
    @Test
    void poolReuseAcrossManyRoundsFromSeveralThreads() throws Exception {
        int threads = 4;
        int rounds = 3000;
        StackAllocator a = new StackAllocator(threads);
        ConcurrentHashMap<Long, Integer> live = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    churn(a, a.stackcache(id), id, rounds, live);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(live).isEmpty();
        for (int t = 0; t < threads; t++) {
            a.stackcacheClear(a.stackcache(t));
        }
        assertThat(a.stackInuse()).isZero();
        // Each thread holds at most 24 stacks of at most 64 KiB at once; without reuse the
        // ~6,000 allocations (average ~21 KiB) would reserve over 100 MiB.
        assertThat(a.stackSys()).isLessThan(16L << 20);
    }

    private static void churn(StackAllocator a, StackCache c, int id, int rounds, ConcurrentHashMap<Long, Integer> live) {
        SplittableRandom rnd = new SplittableRandom(id * 7919L + 1);
        List<Stack> mine = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            if (mine.size() < 24 && (mine.isEmpty() || rnd.nextBoolean())) {
                Stack s = a.stackalloc(c, 2048 << rnd.nextInt(6));
                if (live.putIfAbsent(s.lo, id) != null) {
                    throw new AssertionError("stack " + s + " handed out twice");
                }
                s.write(s.lo, tag(id, s));
                s.write(s.hi - 8, tag(id, s));
                mine.add(s);
            } else {
                Stack s = mine.remove(rnd.nextInt(mine.size()));
                if (s.read(s.lo) != tag(id, s) || s.read(s.hi - 8) != tag(id, s)) {
                    throw new AssertionError("stack " + s + " overwritten by someone else");
                }
                live.remove(s.lo);
                a.stackfree(c, s);
            }
        }
        for (Stack s : mine) {
            live.remove(s.lo);
            a.stackfree(c, s);
        }
    }

    private static long tag(int id, Stack s) {
        return ((long) id << 56) ^ s.lo;
    }
}
