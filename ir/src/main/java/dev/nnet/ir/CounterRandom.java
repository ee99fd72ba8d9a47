package dev.nnet.ir;

/**
 * Counter-based random numbers: every value is a pure function of a run key, a node's salt and an
 * element index, so a draw never depends on evaluation order, on fusion, on threads, on which
 * other random nodes exist, or on the backend. This is the one definition of what the random ops
 * ({@link Op.Random}) compute; the reference kernels call it, and code generators emit the same
 * arithmetic.
 *
 * <p>The generator is Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), the one PyTorch's CUDA generator and JAX use: a 10-round bijection of
 * a 128-bit counter under a 64-bit key. Here the key is the run key ({@code key}: the trainer
 * derives one per step from (seed, epoch, step)), and the counter is {@code (block, salt)}: the low
 * and high words of a block number, then the low and high words of the node's salt. One block
 * gives four 32-bit words, so:
 *
 * <ul>
 *   <li>32-bit draws ({@link #uniform}, {@link #gumbel}): element {@code i} is word {@code i % 4}
 *       of block {@code i / 4};
 *   <li>64-bit draws ({@link #normal}, the keys of {@link #permutationKey}): element {@code i} is
 *       words {@code 2 (i % 2)} (high half) and {@code 2 (i % 2) + 1} of block {@code i / 2}.
 * </ul>
 *
 * <p>Salts are non-negative ({@link #checkSalt}); negative salts are reserved for keys this class
 * derives, such as the per-step key of a scan body ({@link #stepKey}), so a derived key never
 * equals the words some node draws.
 *
 * <p>Floating-point results use {@link StrictMath}, so the reference is the same on every JVM;
 * other backends agree to the rounding of their {@code log}/{@code cos}.
 */
public final class CounterRandom {
  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  /** The salt of the key derivation for scan steps. */
  private static final long STEP_SALT = -1;
  private static final double TWO_PI = 2 * Math.PI;

  private CounterRandom() {}

  /** Rejects a salt reserved for derived keys. */
  public static long checkSalt(long salt) {
    if (salt < 0) {
      throw new IllegalArgumentException("a random op's salt must be non-negative (negative salts are reserved), got "
          + salt);
    }
    return salt;
  }

  /**
   * Philox4x32-10 of the counter {@code (c0, c1, c2, c3)} under the key {@code (k0, k1)}, into
   * {@code out[0..3]}: Random123's {@code philox4x32(ctr, key)} with the same word order.
   */
  public static void philox(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
    for (int round = 0; round < 10; round++) {
      if (round > 0) {
        k0 += W0;
        k1 += W1;
      }
      long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
      long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
      int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      c1 = (int) p1;
      c3 = (int) p0;
      c0 = n0;
      c2 = n2;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }

  /** The four words of block {@code block} of the stream {@code (key, salt)}. */
  public static void block(long key, long salt, long block, int[] out) {
    philox((int) block, (int) (block >>> 32), (int) salt, (int) (salt >>> 32), (int) key, (int) (key >>> 32), out);
  }

  /** Element {@code index}'s 32 random bits of the stream {@code (key, salt)}. */
  public static int bits32(long key, long salt, long index) {
    int[] w = new int[4];
    block(key, salt, index >>> 2, w);
    return w[(int) (index & 3)];
  }

  /** Element {@code index}'s 64 random bits of the stream {@code (key, salt)}. */
  public static long bits64(long key, long salt, long index) {
    int[] w = new int[4];
    block(key, salt, index >>> 1, w);
    int lane = (int) (index & 1) * 2;
    return join(w[lane], w[lane + 1]);
  }

  /**
   * A uniform f32 in [0, 1): the top 24 of element {@code index}'s 32 bits, times 2^-24 (every
   * value is exact, 0 included and 1 never, as PyTorch's {@code torch.rand}).
   */
  public static float uniform(long key, long salt, long index) {
    return toUniform(bits32(key, salt, index));
  }

  /**
   * A standard normal f32 by Box–Muller on the two 32-bit halves of element {@code index}'s 64
   * bits: {@code u1 = (hi + 1) 2^-32} in (0, 1] (so the logarithm is finite), {@code u2 = lo 2^-32}
   * in [0, 1), value {@code sqrt(-2 ln u1) cos(2 pi u2)} in double, rounded to f32. Only the cosine
   * branch is used, so each element stays a function of its own index. The largest magnitude is
   * {@code sqrt(64 ln 2)}, about 6.66.
   */
  public static float normal(long key, long salt, long index) {
    long bits = bits64(key, salt, index);
    return toNormal((int) (bits >>> 32), (int) bits);
  }

  /**
   * A standard Gumbel sample {@code -ln(-ln u)}, with {@code u = (bits + 1/2) 2^-32} in (0, 1) from
   * element {@code index}'s 32 bits, in double: the noise of {@link Op.Categorical}'s Gumbel-max.
   */
  public static double gumbel(long key, long salt, long index) {
    return toGumbel(bits32(key, salt, index));
  }

  /**
   * The sort key of element {@code index} for a permutation of {@code n} elements: element
   * {@code index}'s 64 bits with the low {@code ceil(log2 n)} bits replaced by {@code index}, so
   * keys are distinct and sorting them (as signed longs) orders the indices uniformly at random
   * (up to a tie in the remaining bits, about {@code n^2 / 2^(65 - log2 n)}: 6e-6 for 60,000).
   */
  public static long permutationKey(long key, long salt, long index, long n) {
    int low = indexBits(n);
    return low == 64 ? index : bits64(key, salt, index) & (-1L << low) | index;
  }

  /** How many low bits {@link #permutationKey} keeps for the index of a permutation of {@code n}. */
  public static int indexBits(long n) {
    return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
  }

  /**
   * The run key of step {@code step} of a scan body run under {@code key}: 64 bits of the stream
   * {@code (key, -1)}. A body runs once per step with the same nodes, so each step needs its own
   * key; {@code step} is the position along the scanned axis, so a reverse scan over the same
   * positions (the gradient's recomputation) draws the same numbers.
   */
  public static long stepKey(long key, long step) {
    return bits64(key, STEP_SALT, step);
  }

  /** Writes {@link #uniform}{@code (key, salt, i)} into {@code out[i]} for {@code i} in [from, to). */
  public static void fillUniform(long key, long salt, float[] out, int from, int to) {
    int[] w = new int[4];
    int i = from;
    while (i < to) {
      block(key, salt, i >>> 2, w);
      for (int lane = i & 3; lane < 4 && i < to; lane++, i++) {
        out[i] = toUniform(w[lane]);
      }
    }
  }

  /** Writes {@link #normal}{@code (key, salt, i)} into {@code out[i]} for {@code i} in [from, to). */
  public static void fillNormal(long key, long salt, float[] out, int from, int to) {
    int[] w = new int[4];
    int i = from;
    while (i < to) {
      block(key, salt, i >>> 1, w);
      for (int lane = (i & 1) * 2; lane < 4 && i < to; lane += 2, i++) {
        out[i] = toNormal(w[lane], w[lane + 1]);
      }
    }
  }

  private static float toUniform(int bits) {
    return (bits >>> 8) * 0x1p-24f;
  }

  private static float toNormal(int hi, int lo) {
    double u1 = ((hi & 0xFFFFFFFFL) + 1) * 0x1p-32;
    double u2 = (lo & 0xFFFFFFFFL) * 0x1p-32;
    return (float) (StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2));
  }

  private static double toGumbel(int bits) {
    double u = ((bits & 0xFFFFFFFFL) + 0.5) * 0x1p-32;
    return -StrictMath.log(-StrictMath.log(u));
  }

  private static long join(int hi, int lo) {
    return (long) hi << 32 | lo & 0xFFFFFFFFL;
  }
}
