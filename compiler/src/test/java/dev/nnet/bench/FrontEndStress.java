package dev.nnet.bench;

import dev.nnet.diag.Diagnostic;
import dev.nnet.diag.DiagnosticRenderer;
import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.front.PathologicalPrograms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Times checking and rendering the pathological inputs of issue #9 item 7
 * ({@link PathologicalPrograms#issueCases()}); run by {@code bench/front_stress.sh}, one JVM per
 * case so that a case that hangs or runs out of memory does not spoil the next. Prints, per case,
 * the wall time of check plus rendering (first, then again in the warm JVM; the standard library
 * is loaded before), the diagnostic codes and the heap in use afterwards.
 * Usage: {@code FrontEndStress [INDEX | FILE]} (neither: list the cases).
 */
public final class FrontEndStress {
  private FrontEndStress() {}

  public static void main(String[] args) throws java.io.IOException {
    List<Map.Entry<String, String>> cases = new ArrayList<>(PathologicalPrograms.issueCases().entrySet());
    if (args.length == 0) {
      for (int i = 0; i < cases.size(); i++) {
        System.out.println(i + " " + cases.get(i).getKey());
      }
      return;
    }
    var c = args[0].matches("\\d+") ? cases.get(Integer.parseInt(args[0]))
        : Map.entry(args[0], readFile(args[0]));
    // The standard library is parsed on the first check; keep that out of the case's time.
    Compiler.check(new SourceFile("warm.nnet", "let a = 1\n"));
    SourceFile file = new SourceFile("stress.nnet", c.getValue());
    double first = timeCheckAndRender(file);
    double second = timeCheckAndRender(file);
    Compiler.Result result = Compiler.check(file);
    Map<String, Integer> codes = new TreeMap<>();
    result.diagnostics().forEach(d -> codes.merge(d.code().id(), 1, Integer::sum));
    Runtime rt = Runtime.getRuntime();
    long usedMb = (rt.totalMemory() - rt.freeMemory()) >> 20;
    String msg = result.diagnostics().isEmpty() ? "" : result.diagnostics().get(0).message();
    System.out.printf("%-36s %6d B  first %7.0f ms  again %7.0f ms  heap %4d MB  %s  %s%n", c.getKey(),
        c.getValue().length(), first, second, usedMb, codes, msg.length() > 70 ? msg.substring(0, 70) + "..." : msg);
  }

  /** Check plus rendering every diagnostic, in milliseconds. */
  private static double timeCheckAndRender(SourceFile file) {
    long t0 = System.nanoTime();
    Compiler.Result result = Compiler.check(file);
    DiagnosticRenderer renderer = new DiagnosticRenderer(result.sources()::get, false);
    long chars = 0;
    for (Diagnostic d : result.diagnostics()) {
      chars += renderer.render(d).length();
    }
    if (chars < 0) {
      throw new AssertionError(); // keeps the rendering from being optimized away
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static String readFile(String path) throws java.io.IOException {
    return java.nio.file.Files.readString(java.nio.file.Path.of(path));
  }
}
