package dev.nnet.check;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nnet.diag.SourceFile;
import dev.nnet.driver.Compiler;
import dev.nnet.front.PathologicalPrograms;
import dev.nnet.front.ProgramMutator;
import java.nio.file.Path;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The front end and checker never hang, crash or report an internal error, whatever the input
 * ({@link FuzzTarget}): random text; mutations of every program in the repository
 * ({@link ProgramMutator}: the examples, the diagnostic fixtures, the standard library), with deep
 * nesting, long chains and symbolic products spliced in; and those pathological shapes alone, at
 * sizes up to far past the nesting limit.
 *
 * <p>The seeds are fixed so CI is deterministic, and the budget is sized for CI (about 1,500 inputs).
 * The time bound, 2 s per input, is a hang detector, not a speed test: inputs take milliseconds.
 * The long run (10⁶ inputs, 1 s bound, any seed) is {@code bench/front_fuzz.sh}; see
 * {@code bench/README.md} for how to run it and what it found.
 */
class FuzzRobustnessTest {
  private static final ProgramMutator MUTATOR = ProgramMutator.ofRepository(Path.of(".."));
  private static final FuzzTarget TARGET = warmedUp(new FuzzTarget(Duration.ofSeconds(2)));

  @Property(tries = 300, seed = "20261122")
  void randomTextNeverFails(@ForAll("noise") String text) {
    assertNull(TARGET.run(text));
  }

  @Property(tries = 1000, seed = "20261201")
  void mutatedProgramsNeverFail(@ForAll("mutations") String text) {
    assertNull(TARGET.run(text));
  }

  @Property(tries = 200, seed = "20261201")
  void pathologicalShapesNeverFail(@ForAll("pathological") String text) {
    assertNull(TARGET.run(text));
  }

  @net.jqwik.api.Example
  void theMutatorReadsTheWholeCorpus() {
    // 8 examples (one without a train block), 12 fixtures, the standard library
    assertTrue(MUTATOR.corpusSize() >= 20, "corpus of " + MUTATOR.corpusSize());
  }

  @net.jqwik.api.Example
  void theIssuesInputsNeverFail() {
    PathologicalPrograms.issueCases().forEach((name, text) -> assertNull(TARGET.run(text), name));
  }

  @Provide
  Arbitrary<String> noise() {
    return Arbitraries.strings().withChars("()[]{}<>|=+-*/%@.,:;\"' \n\tabcxyzNTC0123456789_").ofMaxLength(200);
  }

  @Provide
  Arbitrary<String> mutations() {
    return Arbitraries.randomValue(MUTATOR::mutate);
  }

  @Provide
  Arbitrary<String> pathological() {
    Arbitrary<Integer> kind = Arbitraries.integers().between(0, 8);
    Arbitrary<Integer> size = Arbitraries.integers().between(1, 5000).shrinkTowards(1);
    return net.jqwik.api.Combinators.combine(kind, size).as((k, n) ->
        "model M() {\n  forward(x: [N, 4]) = " + PathologicalPrograms.snippet(k, n) + "\n}\n");
  }

  @AfterContainer
  static void stopTheWorker() {
    TARGET.close();
  }

  /**
   * The first checks load the standard library and run cold (a full check of LeNet-5 with its
   * training step then takes a second on a loaded machine); keep that out of the first inputs' time.
   */
  private static FuzzTarget warmedUp(FuzzTarget target) {
    for (String program : MUTATOR.corpus()) {
      Compiler.check(new SourceFile("warm.nnet", program));
    }
    return target;
  }
}
