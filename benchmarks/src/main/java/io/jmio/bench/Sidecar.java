package io.jmio.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/**
 * Appends one tab-separated line per benchmark trial to the file named by the
 * {@value #PROPERTY} system property, for the numbers JMH's result file has no place for (the echo
 * servers' CPU time and system calls). The report joins them with JMH's JSON. Without the property
 * nothing is written.
 *
 * <p>Threading: each fork appends whole lines with one write; forks run one at a time.
 */
public final class Sidecar {
    /** System property naming the file. */
    public static final String PROPERTY = "jmio.bench.sidecar";

    private Sidecar() {
    }

    /**
     * @param fields the line's fields, joined with tabs
     * @throws IOException if the file cannot be written
     */
    public static void append(Object... fields) throws IOException {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            line.append(i == 0 ? "" : "\t").append(fields[i]);
        }
        line.append('\n');
        Path path = Paths.get(file);
        Files.write(path, line.toString().getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
