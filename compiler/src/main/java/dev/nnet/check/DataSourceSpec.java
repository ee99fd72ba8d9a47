package dev.nnet.check;

import dev.nnet.ir.SourceSpan;
import java.util.Map;

/**
 * A data source: {@code csv(path)} (one part, {@code rows}, whose samples are the rows) or
 * {@code mnist(dir)} (parts {@code train} and {@code test}, samples {@code pixels} and {@code label}).
 */
public record DataSourceSpec(String kind, String path, Map<String, Object> options, SourceSpan span) {}
