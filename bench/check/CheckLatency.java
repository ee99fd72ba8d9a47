import dev.nnet.driver.Compiler;
import dev.nnet.diag.SourceFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How long `nnet check` takes once the JVM is warm (what an editor or a build that checks many files
 * sees): checks a file repeatedly in one JVM and prints the first (cold) and the median of the rest.
 * Checking reads no data, so the data set need not be installed.
 */
public class CheckLatency {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "examples/fashion/mlp.nnet");
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    String text = Files.readString(file);
    double[] ms = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      Compiler.Result r = Compiler.check(new SourceFile(file.toString(), text));
      ms[i] = (System.nanoTime() - t0) / 1e6;
      if (r.hasErrors()) {
        throw new IllegalStateException(file + " has errors: " + r.diagnostics());
      }
    }
    double[] warm = Arrays.copyOfRange(ms, 1, rounds);
    Arrays.sort(warm);
    System.out.printf("check %s: cold %.1f ms, warm median %.1f ms (%d rounds)%n", file, ms[0], warm[warm.length / 2],
        rounds - 1);
  }
}
