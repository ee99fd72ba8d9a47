package dev.nnet.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ParallelTest {
  @RepeatedTest(20)
  void everyIndexRunsExactlyOnce() {
    int n = 10_007;
    AtomicIntegerArray hits = new AtomicIntegerArray(n);
    Parallel.forRange(n, 1, (from, to) -> {
      for (int i = from; i < to; i++) {
        hits.incrementAndGet(i);
      }
    });
    for (int i = 0; i < n; i++) {
      assertEquals(1, hits.get(i), "index " + i);
    }
  }

  @Test
  void smallLoopsRunOnTheCallingThread() {
    Thread caller = Thread.currentThread();
    List<Thread> ran = new ArrayList<>();
    Parallel.forRange(10, 100, (from, to) -> ran.add(Thread.currentThread()));
    assertEquals(List.of(caller), ran);
    assertEquals(1, Parallel.chunks(10, 100));
  }

  @Test
  void aFailureInAnyChunkIsRethrownAfterAllChunksFinish() {
    AtomicLong finished = new AtomicLong();
    IllegalArgumentException boom = new IllegalArgumentException("boom");
    for (int failing = 0; failing < Parallel.threads(); failing++) {
      int bad = failing;
      IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () ->
          Parallel.forRange(Parallel.threads(), 1, (from, to) -> {
            if (from == bad) {
              throw boom;
            }
            finished.incrementAndGet();
          }));
      assertSame(boom, thrown);
    }
    assertEquals((long) Parallel.threads() * (Parallel.threads() - 1), finished.get());
    // and the pool still works afterwards
    everyIndexRunsExactlyOnce();
  }

  @Test
  void nestedAndConcurrentLoopsRunInlineWithoutDeadlock() throws Exception {
    AtomicLong sum = new AtomicLong();
    Runnable work = () -> Parallel.forRange(64, 1, (from, to) -> {
      for (int i = from; i < to; i++) {
        Parallel.forRange(100, 1, (a, b) -> sum.addAndGet(b - a));
      }
    });
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(new Thread(() -> {
        for (int r = 0; r < 50; r++) {
          work.run();
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertEquals(4L * 50 * 64 * 100, sum.get());
  }
}
