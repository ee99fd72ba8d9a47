package dev.nnet.runtime.exec;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * sgemm with the Vector API ({@code jdk.incubator.vector}): a register-blocked FMA micro-kernel in
 * the GotoBLAS style, about twice as fast as the plain-Java kernel of {@link MatMulKernel} because it
 * does not depend on C2's auto-vectorizer and keeps a whole tile of C in registers.
 *
 * <p>This class is only loaded when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (see {@link MatMulKernel#sgemm}); without the module, loading it would fail,
 * so nothing else may refer to it.
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>op(A) is packed into micro-panels of {@value #MR} rows, stored column by column
 *       ({@code pa[p * MR + r]}), and op(B) into micro-panels of {@link #NR} = two vectors of columns,
 *       stored row by row ({@code pb[p * NR + j]}); transposes are absorbed by the packing. Both are
 *       zero-padded to whole micro-panels, so the kernel never branches on edges.</li>
 *   <li>The micro-kernel holds a {@value #MR} x {@link #NR} tile of C in 12 vector registers (AVX2:
 *       12 of 16 ymm) over the k loop: per step it loads two B vectors, broadcasts six A values and
 *       issues twelve FMAs.</li>
 *   <li>k is cut into equal blocks of at most {@value #KC}, packed one at a time (so the packed
 *       operands stay in L2), and rows into blocks of {@value #MC_PANELS} micro-panels,
 *       so that a B micro-panel (16 KB with 8-float vectors) stays in L1 while the A micro-panels of
 *       the row block stream from L2; later k blocks add into C, which the micro-kernel loads
 *       before its loop.</li>
 *   <li>Two cores split C by columns when packing A twice costs less than packing B twice (and by
 *       rows otherwise); each packs its own operands into thread-local scratch, so there is one
 *       fork and join per product and no allocation.</li>
 * </ul>
 */
final class VectorSgemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Rows of a micro-tile. */
  static final int MR = 6;
  /** Columns of a micro-tile: two vectors. */
  static final int NR = 2 * L;
  /** Depth of a k block. */
  static final int KC = 256;
  /** Micro-panels of A per row block: 144 rows, so a block's k slice (144 KB) stays in L2. */
  static final int MC_PANELS = 24;
  /** Multiply-adds below which splitting across threads costs more than it saves. */
  private static final long PARALLEL_MIN_WORK = 1L << 19;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private VectorSgemm() {}

  /** False where the preferred vector is too short to beat the plain kernel. */
  static boolean usable() {
    return L >= 4;
  }

  /** Packing buffers and an edge tile, one set per thread. */
  private static final class Scratch {
    float[] a = new float[0];
    float[] b = new float[0];
    final float[] tile = new float[MR * NR];

    float[] a(int n) {
      if (a.length < n) {
        a = new float[n];
      }
      return a;
    }

    float[] b(int n) {
      if (b.length < n) {
        b = new float[n];
      }
      return b;
    }
  }

  /**
   * {@code c[j] = a[0, k) · B[j, 0, k)} for {@code j < n}, B {@code [n, k]} row-major: the one-row
   * product of {@link MatMulKernel#sgemm} with {@code transB}, as dot products of contiguous rows.
   * Four rows at a time share each load of {@code a}, one vector accumulator per row: the loop is
   * bound by loads, and this makes five loads per four fused multiply-adds instead of eight (the
   * Fashion MLP's batch-1 GEMV chain: 10-35% faster than a row at a time with four accumulators).
   */
  static void rowTimesTransposed(int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    int upper = S.loopBound(k);
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      int r0 = bOff + j * k;
      int r1 = r0 + k;
      int r2 = r1 + k;
      int r3 = r2 + k;
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = FloatVector.zero(S);
      FloatVector acc2 = FloatVector.zero(S);
      FloatVector acc3 = FloatVector.zero(S);
      int p = 0;
      for (; p < upper; p += L) {
        FloatVector x = FloatVector.fromArray(S, a, aOff + p);
        acc0 = x.fma(FloatVector.fromArray(S, b, r0 + p), acc0);
        acc1 = x.fma(FloatVector.fromArray(S, b, r1 + p), acc1);
        acc2 = x.fma(FloatVector.fromArray(S, b, r2 + p), acc2);
        acc3 = x.fma(FloatVector.fromArray(S, b, r3 + p), acc3);
      }
      float s0 = acc0.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      float s1 = acc1.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      float s2 = acc2.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      float s3 = acc3.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      for (; p < k; p++) {
        float x = a[aOff + p];
        s0 += x * b[r0 + p];
        s1 += x * b[r1 + p];
        s2 += x * b[r2 + p];
        s3 += x * b[r3 + p];
      }
      c[cOff + j] = s0;
      c[cOff + j + 1] = s1;
      c[cOff + j + 2] = s2;
      c[cOff + j + 3] = s3;
    }
    rowsTimesTransposedOneByOne(j, n, k, a, aOff, b, bOff, c, cOff);
  }

  /** Rows {@code [from, n)} of {@link #rowTimesTransposed}, each in four vector accumulators. */
  private static void rowsTimesTransposedOneByOne(int from, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff) {
    int step = 4 * L;
    int upper4 = k - k % step;
    int upper = S.loopBound(k);
    for (int j = from; j < n; j++) {
      int row = bOff + j * k;
      FloatVector acc0 = FloatVector.zero(S);
      FloatVector acc1 = FloatVector.zero(S);
      FloatVector acc2 = FloatVector.zero(S);
      FloatVector acc3 = FloatVector.zero(S);
      int p = 0;
      for (; p < upper4; p += step) {
        acc0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, row + p), acc0);
        acc1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, row + p + L), acc1);
        acc2 = FloatVector.fromArray(S, a, aOff + p + 2 * L).fma(FloatVector.fromArray(S, b, row + p + 2 * L), acc2);
        acc3 = FloatVector.fromArray(S, a, aOff + p + 3 * L).fma(FloatVector.fromArray(S, b, row + p + 3 * L), acc3);
      }
      for (; p < upper; p += L) {
        acc0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, row + p), acc0);
      }
      float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
      for (; p < k; p++) {
        sum += a[aOff + p] * b[row + p];
      }
      c[cOff + j] = sum;
    }
  }

  /** Same contract as {@link MatMulKernel#sgemm}, for m, n, k all positive. */
  static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    int threads = (long) m * n * k >= PARALLEL_MIN_WORK ? Parallel.threads() : 1;
    int colPanels = ceilDiv(n, NR);
    int rowPanels = ceilDiv(m, MR);
    if (threads > 1) {
      // Splitting by columns makes every task pack all of A; by rows, all of B.
      boolean byCols = colPanels >= threads && ((long) m * k <= (long) k * n || rowPanels < threads);
      if (byCols) {
        Parallel.forRange(colPanels, 1, (from, to) -> block(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff,
            0, m, from * NR, Math.min(n, to * NR)));
        return;
      }
      if (rowPanels >= threads) {
        Parallel.forRange(rowPanels, 1, (from, to) -> block(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff,
            from * MR, Math.min(m, to * MR), 0, n));
        return;
      }
    }
    block(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff, 0, m, 0, n);
  }

  /** Computes {@code C[i0:i1, j0:j1]}. */
  private static void block(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int i0, int i1, int j0, int j1) {
    int mPanels = ceilDiv(i1 - i0, MR);
    int nPanels = ceilDiv(j1 - j0, NR);
    Scratch s = SCRATCH.get();
    int kcMax = ceilDiv(k, ceilDiv(k, KC)); // balanced: 784 -> 4 x 196, not 3 x 256 + 16
    float[] pa = s.a(mPanels * MR * kcMax);
    float[] pb = s.b(nPanels * NR * kcMax);
    for (int p0 = 0; p0 < k; p0 += kcMax) {
      int kc = Math.min(kcMax, k - p0);
      boolean acc = p0 > 0;
      packA(transA, m, k, a, aOff, i0, i1, p0, kc, pa);
      packB(transB, n, k, b, bOff, j0, j1, p0, kc, pb);
      for (int ip0 = 0; ip0 < mPanels; ip0 += MC_PANELS) {
        int ip1 = Math.min(mPanels, ip0 + MC_PANELS);
        for (int jp = 0; jp < nPanels; jp++) {
          int j = j0 + jp * NR;
          int nr = Math.min(NR, j1 - j);
          int bi = jp * NR * kc;
          for (int ip = ip0; ip < ip1; ip++) {
            int i = i0 + ip * MR;
            int mr = Math.min(MR, i1 - i);
            int ai = ip * MR * kc;
            if (mr == MR && nr == NR) {
              kernel(pa, ai, pb, bi, kc, c, cOff + i * n + j, n, acc);
            } else {
              float[] t = s.tile;
              kernel(pa, ai, pb, bi, kc, t, 0, NR, false);
              for (int r = 0; r < mr; r++) {
                int co = cOff + (i + r) * n + j;
                for (int q = 0; q < nr; q++) {
                  c[co + q] = acc ? c[co + q] + t[r * NR + q] : t[r * NR + q];
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Rows {@code [i0, i1)} and depths {@code [p0, p0 + kc)} of op(A) into micro-panels:
   * {@code pa[panel * MR * kc + p * MR + r]}, zero-padded.
   */
  private static void packA(boolean transA, int m, int k, float[] a, int aOff, int i0, int i1, int p0, int kc,
      float[] pa) {
    for (int i = i0, base = 0; i < i1; i += MR, base += MR * kc) {
      int mr = Math.min(MR, i1 - i);
      if (transA) { // stored [k, m]: the MR values of one p are adjacent
        for (int p = 0; p < kc; p++) {
          int src = aOff + (p0 + p) * m + i;
          int dst = base + p * MR;
          for (int r = 0; r < mr; r++) {
            pa[dst + r] = a[src + r];
          }
          for (int r = mr; r < MR; r++) {
            pa[dst + r] = 0f;
          }
        }
      } else {
        for (int r = 0; r < MR; r++) {
          if (r < mr) {
            int src = aOff + (i + r) * k + p0;
            for (int p = 0; p < kc; p++) {
              pa[base + p * MR + r] = a[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              pa[base + p * MR + r] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Columns {@code [j0, j1)} and depths {@code [p0, p0 + kc)} of op(B) into micro-panels:
   * {@code pb[panel * NR * kc + p * NR + j]}, zero-padded.
   */
  private static void packB(boolean transB, int n, int k, float[] b, int bOff, int j0, int j1, int p0, int kc,
      float[] pb) {
    for (int j = j0, base = 0; j < j1; j += NR, base += NR * kc) {
      int nr = Math.min(NR, j1 - j);
      if (!transB) {
        for (int p = 0; p < kc; p++) {
          int dst = base + p * NR;
          System.arraycopy(b, bOff + (p0 + p) * n + j, pb, dst, nr);
          for (int q = nr; q < NR; q++) {
            pb[dst + q] = 0f;
          }
        }
      } else { // stored [n, k]: read each stored row contiguously
        for (int q = 0; q < NR; q++) {
          if (q < nr) {
            int src = bOff + (j + q) * k + p0;
            for (int p = 0; p < kc; p++) {
              pb[base + p * NR + q] = b[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              pb[base + p * NR + q] = 0f;
            }
          }
        }
      }
    }
  }

  /**
   * The micro-kernel: {@code C[MR, NR] (+)= pa-panel · pb-panel} over {@code kc} steps, C at
   * {@code c[ci + r * ldc + j]}; adds to C when {@code acc}, overwrites it otherwise.
   */
  private static void kernel(float[] pa, int ai, float[] pb, int bi, int kc, float[] c, int ci, int ldc,
      boolean acc) {
    // C is loaded here, not added after the loop: loads after the loop make C2 spill accumulators
    // inside it (half the speed).
    FloatVector c00 = acc ? FloatVector.fromArray(S, c, ci) : FloatVector.zero(S);
    FloatVector c01 = acc ? FloatVector.fromArray(S, c, ci + L) : FloatVector.zero(S);
    FloatVector c10 = acc ? FloatVector.fromArray(S, c, ci + ldc) : FloatVector.zero(S);
    FloatVector c11 = acc ? FloatVector.fromArray(S, c, ci + ldc + L) : FloatVector.zero(S);
    FloatVector c20 = acc ? FloatVector.fromArray(S, c, ci + 2 * ldc) : FloatVector.zero(S);
    FloatVector c21 = acc ? FloatVector.fromArray(S, c, ci + 2 * ldc + L) : FloatVector.zero(S);
    FloatVector c30 = acc ? FloatVector.fromArray(S, c, ci + 3 * ldc) : FloatVector.zero(S);
    FloatVector c31 = acc ? FloatVector.fromArray(S, c, ci + 3 * ldc + L) : FloatVector.zero(S);
    FloatVector c40 = acc ? FloatVector.fromArray(S, c, ci + 4 * ldc) : FloatVector.zero(S);
    FloatVector c41 = acc ? FloatVector.fromArray(S, c, ci + 4 * ldc + L) : FloatVector.zero(S);
    FloatVector c50 = acc ? FloatVector.fromArray(S, c, ci + 5 * ldc) : FloatVector.zero(S);
    FloatVector c51 = acc ? FloatVector.fromArray(S, c, ci + 5 * ldc + L) : FloatVector.zero(S);
    for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
      FloatVector b0 = FloatVector.fromArray(S, pb, bi);
      FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
      FloatVector x = FloatVector.broadcast(S, pa[ai]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, pa[ai + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, pa[ai + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, pa[ai + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, pa[ai + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, pa[ai + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    store(c00, c01, c, ci);
    store(c10, c11, c, ci + ldc);
    store(c20, c21, c, ci + 2 * ldc);
    store(c30, c31, c, ci + 3 * ldc);
    store(c40, c41, c, ci + 4 * ldc);
    store(c50, c51, c, ci + 5 * ldc);
  }

  private static void store(FloatVector v0, FloatVector v1, float[] c, int ci) {
    v0.intoArray(c, ci);
    v1.intoArray(c, ci + L);
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
