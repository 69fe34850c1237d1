package gcsim.gcmark;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/** Runs a body on several platform threads released together by a barrier; rethrows the first failure (as the heap module's test helper of the same name). */
final class Concurrently {
    private Concurrently() {}

    @FunctionalInterface
    interface Body {
        void run(int thread) throws Exception;
    }

    static void run(int threads, Body body) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] ts = new Thread[threads];
        for (int k = 0; k < threads; k++) {
            int thread = k;
            ts[k] = new Thread(() -> {
                try {
                    start.await();
                    body.run(thread);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            ts[k].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("thread failed", failure.get());
        }
    }
}
