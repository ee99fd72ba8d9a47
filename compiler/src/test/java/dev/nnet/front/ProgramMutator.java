package dev.nnet.front;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Mutates real programs (the examples, the diagnostic fixtures, the standard library) into fuzzing
 * inputs: ranges deleted, duplicated or swapped, tokens and characters inserted or replaced,
 * pieces of other programs spliced in, numbers replaced by edge values, and the pathological
 * shapes of {@link PathologicalPrograms#snippet} (deep nesting, long chains, symbolic products)
 * spliced in. Deterministic for a given {@link Random}, so a failing input is reproduced by its seed.
 */
public final class ProgramMutator {
  private static final String[] TOKENS = {"(", ")", "[", "]", "{", "}", ",", "=", "==", "|>", "->", ":=", ".", "..",
      "...", "*", "**", "-", "+", "/", "%", "@", ":", ";", "let ", "fn ", "model ", "layer ", "train ", "data ",
      "if ", " then ", " else ", "return ", "param ", "forward", "not ", " and ", "N", "x", "0", "-1", "1.5",
      "\"s\"", "\n", "*B", "i64", "bool", "split ", "import std.nn", "relu", "reshape", "Linear(4, 2)"};
  private static final String[] NUMBERS = {"0", "-1", "1", "2", "9223372036854775807", "99999999999999999999",
      "1e308", "0.0", "65536"};
  private static final String CHARS = "()[]{}<>|=+-*/%@.,:;\"'\\ \n\tabcxyzNTC0123456789_\u00e9\u0000";

  private final List<String> corpus;

  public ProgramMutator(List<String> corpus) {
    if (corpus.isEmpty()) {
      throw new IllegalArgumentException("no programs to mutate");
    }
    this.corpus = List.copyOf(corpus);
  }

  /** The programs of the repository whose root is {@code root}: examples, fixtures, standard library. */
  public static ProgramMutator ofRepository(Path root) {
    List<String> programs = new ArrayList<>();
    for (Path dir : List.of(root.resolve("examples"), root.resolve("compiler/src/test/resources/fixtures"))) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.filter(f -> f.toString().endsWith(".nnet")).sorted().toList()) {
          programs.add(Files.readString(p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    try (InputStream in = ProgramMutator.class.getClassLoader().getResourceAsStream("std/nn.nnet")) {
      programs.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ProgramMutator(programs);
  }

  /** The programs mutated, unchanged. */
  public List<String> corpus() {
    return corpus;
  }

  public int corpusSize() {
    return corpus.size();
  }

  /** A program of the corpus with one to four mutations. */
  public String mutate(Random r) {
    String text = corpus.get(r.nextInt(corpus.size()));
    int mutations = 1 + r.nextInt(4);
    for (int i = 0; i < mutations; i++) {
      text = mutateOnce(text, r);
    }
    return text;
  }

  private String mutateOnce(String text, Random r) {
    int at = text.isEmpty() ? 0 : r.nextInt(text.length() + 1);
    int len = 1 + r.nextInt(24);
    int end = Math.min(text.length(), at + len);
    return switch (r.nextInt(9)) {
      case 0 -> text.substring(0, at) + text.substring(end);
      case 1 -> text.substring(0, end) + text.substring(at, end) + text.substring(end);
      case 2 -> text.substring(0, at) + TOKENS[r.nextInt(TOKENS.length)] + text.substring(at);
      case 3 -> at == text.length() ? text
          : text.substring(0, at) + CHARS.charAt(r.nextInt(CHARS.length())) + text.substring(at + 1);
      case 4 -> {
        String other = corpus.get(r.nextInt(corpus.size()));
        int from = r.nextInt(other.length());
        yield text.substring(0, at) + other.substring(from, Math.min(other.length(), from + 1 + r.nextInt(200)))
            + text.substring(at);
      }
      case 5 -> text.substring(0, at) + PathologicalPrograms.snippet(r.nextInt(9), sizeFor(r)) + text.substring(at);
      case 6 -> {
        int at2 = r.nextInt(text.length() + 1);
        int end2 = Math.min(text.length(), at2 + len);
        yield at <= at2 ? swap(text, at, end, at2, end2) : swap(text, at2, end2, at, end);
      }
      case 7 -> replaceNumber(text, at, r);
      default -> text.substring(0, at) + "\n" + text.substring(at);
    };
  }

  /** Mostly small, sometimes past the nesting limit, rarely huge. */
  private static int sizeFor(Random r) {
    int p = r.nextInt(100);
    return p < 70 ? 1 + r.nextInt(20) : p < 95 ? 80 + r.nextInt(60) : 500 + r.nextInt(3000);
  }

  /** Swaps the ranges [a, aEnd) and [b, bEnd); unchanged if they overlap. */
  private static String swap(String text, int a, int aEnd, int b, int bEnd) {
    if (aEnd > b) {
      return text;
    }
    return text.substring(0, a) + text.substring(b, bEnd) + text.substring(aEnd, b) + text.substring(a, aEnd)
        + text.substring(bEnd);
  }

  private static String replaceNumber(String text, int from, Random r) {
    for (int i = from; i < text.length(); i++) {
      if (Character.isDigit(text.charAt(i))) {
        int j = i;
        while (j < text.length() && (Character.isDigit(text.charAt(j)) || text.charAt(j) == '.')) {
          j++;
        }
        return text.substring(0, i) + NUMBERS[r.nextInt(NUMBERS.length)] + text.substring(j);
      }
    }
    return text;
  }
}
