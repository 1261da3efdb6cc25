package io.jmio.poll;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every public top-level type of every module states its threading rule in its javadoc. */
class DocumentationTest {
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile("(?m)^public (final |abstract |sealed )*(class|interface|enum|record|@interface) ");

    @Test
    void everyPublicTypeHasAThreadingLine() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!isMainSource(f.toString())) {
                    continue;
                }
                String text = Files.readString(f);
                if (PUBLIC_TYPE.matcher(text).find()) {
                    checked++;
                    if (!text.contains("Threading:")) {
                        missing.add(root.relativize(f).toString());
                    }
                }
            }
        }
        assertTrue(checked > 50, "found only " + checked + " public types: is the walk rooted right? " + root);
        assertTrue(missing.isEmpty(), "public types without a 'Threading:' line in their javadoc: " + missing);
    }

    /** @return whether {@code path} (with this OS's separators) is a main source file that needs the line */
    static boolean isMainSource(String path) {
        String name = path.replace('\\', '/');
        return name.endsWith(".java") && name.contains("/src/main/java/") && !name.endsWith("package-info.java")
                && !name.contains("/target/");
    }

    @Test
    void recognisesSourcesWithWindowsSeparators() {
        assertTrue(isMainSource("D:\\a\\jmio\\poll-api\\src\\main\\java\\io\\jmio\\poll\\Poll.java"));
        assertTrue(isMainSource("/w/jmio/poll-api/src/main/java/io/jmio/poll/Poll.java"));
        assertTrue(!isMainSource("D:\\a\\jmio\\poll-api\\target\\src\\main\\java\\X.java"));
    }
}
