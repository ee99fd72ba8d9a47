package dev.nnet.runtime.exec;

import dev.nnet.ir.DType;
import dev.nnet.runtime.Tensor;
import java.util.Arrays;

/**
 * Single-precision matrix multiply (sgemm) in plain Java, fast enough that a CPU training loop is
 * not dominated by it, and batched matmul with broadcast leading dims on top.
 *
 * <p>When the JVM runs with {@code --add-modules jdk.incubator.vector}, {@link #sgemm} hands the
 * products to {@link VectorSgemm} (explicit SIMD, register-blocked); the plain kernel described here
 * is the fallback for a JVM without the module (such as a bare {@code java -jar nnet.jar}).
 *
 * <h2>How it is fast</h2>
 * HotSpot C2 (JDK 17) vectorizes a loop only when it can prove that its loads and stores do not
 * overlap across iterations; with arrays indexed at different offsets ({@code c[co + j]} and
 * {@code b[bo + j]}) it cannot, and falls back to scalar code that is ten times slower. So:
 * <ul>
 *   <li>B is packed into panels of at most {@value #NC} columns, one {@code float[]} per row of B,
 *       and C is computed in a tile of four row arrays; every inner loop indexes all of them with the
 *       same plain {@code j}.</li>
 *   <li>The micro-kernel updates 4 rows of C from 2 rows of B per pass
 *       ({@code t[j] = fma(a1, b1[j], fma(a0, b0[j], t[j]))}): each loaded B vector is used four times
 *       and each C load/store pair carries two FMAs, which keeps the FMA units, not the store port,
 *       the bottleneck. Wider variants (4x4, 6x2) make C2 stop unrolling and vectorizing.</li>
 *   <li>Transposed operands are never materialized: a transposed B is transposed while packing
 *       (which copies B anyway), and A is read element by element with a row and a column stride.</li>
 *   <li>The cores share the work by panels of B (each packs its own), or by tiles of {@value #MC}
 *       rows when C is too narrow to split by columns.</li>
 * </ul>
 */
public final class MatMulKernel {
  /** Maximum columns of a packed B panel and of a C tile (8 KB of B per row of K at most). */
  static final int NC = 256;
  /** Floats in one packed panel at most: 512 KB, half of a typical L2. */
  private static final int PANEL_FLOATS = 128 * 1024;
  /** Rows of C per parallel task. */
  static final int MC = 64;
  /** Multiply-adds below which splitting across threads costs more than it saves. */
  private static final long PARALLEL_MIN_WORK = 1L << 20;

  /** Whether {@link VectorSgemm} runs the products (see {@link VectorApi}); otherwise the plain kernel below. */
  static final boolean VECTOR = VectorApi.AVAILABLE;

  private MatMulKernel() {}

  /** Which sgemm kernel this JVM uses: {@code "vector"} or {@code "plain"}. */
  public static String kernelName() {
    return VECTOR ? "vector" : "plain";
  }

  /**
   * {@code C = op(A) · op(B)}, overwriting C. All matrices are row-major and dense:
   * {@code op(A)} is {@code [m, k]}, stored as {@code [m, k]}, or as {@code [k, m]} when
   * {@code transA}; {@code op(B)} is {@code [k, n]}, stored as {@code [k, n]}, or as {@code [n, k]}
   * when {@code transB}; C is {@code [m, n]}. Offsets say where each matrix starts in its array.
   */
  public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      Arrays.fill(c, cOff, cOff + m * n, 0f);
      return;
    }
    if (m == 1) {
      // One row (batch-1 inference): a vector times a matrix. Packing the matrix into panels, as
      // the blocked kernels do, would cost more than the product itself. With m = 1 the row is
      // contiguous whether or not A is transposed.
      if (VECTOR && transB) {
        VectorSgemm.rowTimesTransposed(n, k, a, aOff, b, bOff, c, cOff);
      } else {
        rowTimes(transB, n, k, a, aOff, b, bOff, c, cOff);
      }
      return;
    }
    if (VECTOR) {
      VectorSgemm.sgemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
      return;
    }
    plainSgemm(transA, transB, m, n, k, a, aOff, b, bOff, c, cOff);
  }

  /**
   * {@code c[0, n) = a[0, k) · op(B)} for one row {@code a}: with {@code transB}, B is {@code [n, k]}
   * and each output is a dot product of two contiguous rows (four partial sums, so the adds do not
   * wait for each other); otherwise B is {@code [k, n]} and the result accumulates whole rows of B,
   * a loop the JIT vectorizes.
   */
  static void rowTimes(boolean transB, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    if (transB) {
      for (int j = 0; j < n; j++) {
        int row = bOff + j * k;
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int p = 0;
        for (; p + 3 < k; p += 4) {
          s0 += a[aOff + p] * b[row + p];
          s1 += a[aOff + p + 1] * b[row + p + 1];
          s2 += a[aOff + p + 2] * b[row + p + 2];
          s3 += a[aOff + p + 3] * b[row + p + 3];
        }
        float sum = (s0 + s1) + (s2 + s3);
        for (; p < k; p++) {
          sum += a[aOff + p] * b[row + p];
        }
        c[cOff + j] = sum;
      }
      return;
    }
    Arrays.fill(c, cOff, cOff + n, 0f);
    for (int p = 0; p < k; p++) {
      float ap = a[aOff + p];
      int row = bOff + p * n;
      for (int j = 0; j < n; j++) {
        c[cOff + j] += ap * b[row + j];
      }
    }
  }

  /** {@link #sgemm} with the plain-Java kernel, for m, n, k all positive. */
  static void plainSgemm(boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    boolean parallel = (long) m * n * k >= PARALLEL_MIN_WORK;
    int threads = parallel ? Parallel.threads() : 1;
    // Wide products are split by panels: each task packs its own panel of B and computes every row
    // for it, so the threads never wait for each other. Narrow ones (a 10-class head) split by rows.
    boolean byPanel = threads > 1 && n >= 64 * threads;
    // A panel (k rows of its width) is streamed once per 4 rows of C, so it must stay in L2.
    int maxWidth = Math.max(32, Math.min(NC, PANEL_FLOATS / k));
    int panels = ceilDiv(n, maxWidth);
    if (byPanel) {
      panels = ceilDiv(panels, threads) * threads;
    }
    int width = ceilDiv(n, panels); // balanced panel widths: 784 columns -> 4 x 196, not 3 x 256 + 16
    int panelCount = ceilDiv(n, width);
    int aRowStride = transA ? 1 : k;
    int aColStride = transA ? m : 1;
    if (byPanel) {
      Parallel.forRange(panelCount, 1, (from, to) -> {
        for (int panel = from; panel < to; panel++) {
          int j0 = panel * width;
          int w = Math.min(width, n - j0);
          float[][] packed = packPanel(transB, n, k, b, bOff, j0, w);
          computeTile(a, aOff, aRowStride, aColStride, packed, k, 0, m, c, cOff + j0, n, w);
        }
      });
      return;
    }
    float[][][] packed = new float[panelCount][][];
    for (int panel = 0; panel < panelCount; panel++) {
      packed[panel] = packPanel(transB, n, k, b, bOff, panel * width, Math.min(width, n - panel * width));
    }
    int rowTiles = ceilDiv(m, MC);
    Parallel.Range tiles = (from, to) -> {
      for (int t = from; t < to; t++) {
        int panel = t % panelCount;
        int i0 = (t / panelCount) * MC;
        int j0 = panel * width;
        computeTile(a, aOff, aRowStride, aColStride, packed[panel], k, i0, Math.min(m, i0 + MC),
            c, cOff + j0, n, Math.min(width, n - j0));
      }
    };
    if (parallel) {
      Parallel.forRange(rowTiles * panelCount, 1, tiles);
    } else {
      tiles.run(0, rowTiles * panelCount);
    }
  }

  /** Copies columns {@code [j0, j0 + w)} of op(B) into a panel: one {@code float[w]} per row p of op(B). */
  private static float[][] packPanel(boolean transB, int n, int k, float[] b, int bOff, int j0, int w) {
    float[][] rows = new float[k][w];
    if (!transB) {
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, bOff + p * n + j0, rows[p], 0, w);
      }
      return rows;
    }
    // B is stored [n, k], so row p of op(B) is column p of the stored matrix. Go in blocks of 64
    // columns, reading each stored row contiguously while writing to only 64 panel rows.
    for (int p0 = 0; p0 < k; p0 += 64) {
      int p1 = Math.min(k, p0 + 64);
      for (int j = 0; j < w; j++) {
        int src = bOff + (j0 + j) * k;
        for (int p = p0; p < p1; p++) {
          rows[p][j] = b[src + p];
        }
      }
    }
    return rows;
  }

  /** Computes rows {@code [i0, i1)} of C over one panel of {@code w} columns starting at {@code cOff}. */
  private static void computeTile(float[] a, int aOff, int ars, int acs, float[][] panel, int k, int i0, int i1,
      float[] c, int cOff, int ldc, int w) {
    float[] t0 = new float[w];
    float[] t1 = new float[w];
    float[] t2 = new float[w];
    float[] t3 = new float[w];
    int i = i0;
    for (; i + 4 <= i1; i += 4) {
      Arrays.fill(t0, 0f);
      Arrays.fill(t1, 0f);
      Arrays.fill(t2, 0f);
      Arrays.fill(t3, 0f);
      int a0 = aOff + i * ars;
      int p = 0;
      for (; p + 2 <= k; p += 2) {
        int ap = a0 + p * acs;
        kernel4x2(a[ap], a[ap + acs], a[ap + ars], a[ap + ars + acs], a[ap + 2 * ars], a[ap + 2 * ars + acs],
            a[ap + 3 * ars], a[ap + 3 * ars + acs], panel[p], panel[p + 1], t0, t1, t2, t3, w);
      }
      if (p < k) {
        int ap = a0 + p * acs;
        kernel4x1(a[ap], a[ap + ars], a[ap + 2 * ars], a[ap + 3 * ars], panel[p], t0, t1, t2, t3, w);
      }
      System.arraycopy(t0, 0, c, cOff + i * ldc, w);
      System.arraycopy(t1, 0, c, cOff + (i + 1) * ldc, w);
      System.arraycopy(t2, 0, c, cOff + (i + 2) * ldc, w);
      System.arraycopy(t3, 0, c, cOff + (i + 3) * ldc, w);
    }
    for (; i < i1; i++) { // the last m % 4 rows, one at a time
      Arrays.fill(t0, 0f);
      int a0 = aOff + i * ars;
      for (int p = 0; p < k; p++) {
        kernel1x1(a[a0 + p * acs], panel[p], t0, w);
      }
      System.arraycopy(t0, 0, c, cOff + i * ldc, w);
    }
  }

  /** {@code t_r += a_r0 * b0 + a_r1 * b1} for four rows r: the hot loop. */
  private static void kernel4x2(float a00, float a01, float a10, float a11, float a20, float a21, float a30, float a31,
      float[] b0, float[] b1, float[] t0, float[] t1, float[] t2, float[] t3, int w) {
    for (int j = 0; j < w; j++) {
      float x0 = b0[j];
      float x1 = b1[j];
      t0[j] = Math.fma(a01, x1, Math.fma(a00, x0, t0[j]));
      t1[j] = Math.fma(a11, x1, Math.fma(a10, x0, t1[j]));
      t2[j] = Math.fma(a21, x1, Math.fma(a20, x0, t2[j]));
      t3[j] = Math.fma(a31, x1, Math.fma(a30, x0, t3[j]));
    }
  }

  private static void kernel4x1(float a0, float a1, float a2, float a3, float[] b, float[] t0, float[] t1,
      float[] t2, float[] t3, int w) {
    for (int j = 0; j < w; j++) {
      float x = b[j];
      t0[j] = Math.fma(a0, x, t0[j]);
      t1[j] = Math.fma(a1, x, t1[j]);
      t2[j] = Math.fma(a2, x, t2[j]);
      t3[j] = Math.fma(a3, x, t3[j]);
    }
  }

  private static void kernel1x1(float a0, float[] b, float[] t0, int w) {
    for (int j = 0; j < w; j++) {
      t0[j] = Math.fma(a0, b[j], t0[j]);
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }

  // ---- batched ------------------------------------------------------------------------------------

  /**
   * {@code op(a) @ op(b)} on f32 tensors of rank 2 or more, leading (batch) dims broadcast.
   * {@code op(x)} is x, or x with its last two axes swapped when the flag is set, so
   * {@code x @ w^T} runs without copying {@code w}.
   */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB, Allocator pool) {
    ElementwiseKernels.requireDType("@", a, DType.F32);
    ElementwiseKernels.requireDType("@", b, DType.F32);
    if (a.rank() < 2 || b.rank() < 2) {
      throw new ExecutionError("`@` needs operands of rank 2 or more, got " + Arrays.toString(a.shape())
          + " @ " + Arrays.toString(b.shape()));
    }
    int[] as = a.shape();
    int[] bs = b.shape();
    int m = transA ? as[as.length - 1] : as[as.length - 2];
    int k = transA ? as[as.length - 2] : as[as.length - 1];
    int kb = transB ? bs[bs.length - 1] : bs[bs.length - 2];
    int n = transB ? bs[bs.length - 2] : bs[bs.length - 1];
    if (k != kb) {
      throw new ExecutionError("`@` inner dims differ: [" + m + ", " + k + "] @ [" + kb + ", " + n + "]");
    }
    int[] aBatch = Arrays.copyOf(as, as.length - 2);
    int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
    int[] batch = Broadcast.shape(aBatch, bBatch);
    int[] outShape = Arrays.copyOf(batch, batch.length + 2);
    outShape[batch.length] = m;
    outShape[batch.length + 1] = n;
    float[] out = pool.take(Math.toIntExact(Tensor.numel(outShape)));
    int batches = Math.toIntExact(Tensor.numel(batch));
    int[] aStrides = Broadcast.strides(aBatch, batch);
    int[] bStrides = Broadcast.strides(bBatch, batch);
    int[] cStrides = Broadcast.contiguous(batch);
    float[] x = a.floats();
    float[] y = b.floats();
    Parallel.Range body = (from, to) -> {
      for (int i = from; i < to; i++) {
        int ai = 0;
        int bi = 0;
        for (int d = 0; d < batch.length; d++) {
          int idx = (i / cStrides[d]) % batch[d];
          ai += idx * aStrides[d];
          bi += idx * bStrides[d];
        }
        sgemm(transA, transB, m, n, k, x, ai * m * k, y, bi * k * n, out, i * m * n);
      }
    };
    if ((long) m * n * k >= PARALLEL_MIN_WORK) {
      body.run(0, batches); // each product is big enough to split by itself
    } else {
      Parallel.forRange(batches, Math.max(1, (int) (PARALLEL_MIN_WORK / Math.max(1L, (long) m * n * k))), body);
    }
    return Tensor.of(out, outShape);
  }
}
