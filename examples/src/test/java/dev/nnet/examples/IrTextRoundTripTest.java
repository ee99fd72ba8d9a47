package dev.nnet.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.nnet.driver.Compiler;
import dev.nnet.check.LayerInstance;
import dev.nnet.check.TrainingPlan;
import dev.nnet.ir.Graph;
import dev.nnet.ir.GraphParser;
import dev.nnet.ir.IrSyntaxError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The IR text reads back: for the committed IR golden file and for every graph of every example
 * (each standalone model's traced forward graph, each train block's step, eval and predict graphs),
 * printing, parsing and printing again gives the same text.
 */
class IrTextRoundTripTest {
  private static String roundTrip(String text) throws IrSyntaxError {
    return GraphParser.parse(text).dump();
  }

  @Test
  void theGoldenFileReadsBackWithoutItsGroupComments() throws Exception {
    String golden = Files.readString(Path.of("digits/mlp.step.ir"));
    String withoutComments = golden.lines().filter(l -> !l.strip().startsWith("#"))
        .collect(Collectors.joining("\n", "", "\n"));
    assertEquals(withoutComments, roundTrip(golden));
  }

  @Test
  void everyGraphOfEveryExampleReadsBack() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("."))) {
      files = walk.filter(p -> p.toString().endsWith(".nnet") && !p.startsWith("./target")).sorted().toList();
    }
    List<String> checked = new ArrayList<>();
    for (Path file : files) {
      Compiler.Result r = Compiler.check(new dev.nnet.diag.SourceFile(file.toString(), Files.readString(file)));
      if (r.hasErrors()) {
        continue; // an example whose data is not installed (the fashion MLP without Fashion-MNIST)
      }
      List<Graph> graphs = new ArrayList<>();
      for (LayerInstance m : r.models()) {
        if (m.traced() != null) {
          graphs.add(m.traced());
        }
      }
      for (TrainingPlan p : r.plans()) {
        graphs.addAll(List.of(p.step(), p.eval(), p.predict()));
      }
      for (Graph g : graphs) {
        String text = g.dump();
        assertEquals(text, roundTrip(text), file + ":\n" + text);
      }
      checked.add(file + " (" + graphs.size() + " graphs)");
    }
    assertFalse(checked.size() < 3, "too few examples checked: " + checked);
  }
}
