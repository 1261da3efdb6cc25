package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The Windows job ({@code .github/workflows/iocp.yml}) is the only place the real backend runs, so its
 * shape is pinned: it builds poll-iocp and what it needs, not modules whose tests are Linux-only; it
 * uploads the reports whether or not the build failed; and nothing in it may turn a failure into a pass.
 */
class WindowsWorkflowTest {
    private static String workflow() throws IOException {
        return Files.readString(Path.of("..", ".github", "workflows", "iocp.yml"));
    }

    @Test
    void buildsPollIocpAndWhatItNeedsOnly() throws IOException {
        String w = workflow();
        assertTrue(w.contains("mvnw.cmd -B -pl poll-iocp -am verify"), w);
    }

    @Test
    void uploadsTheReportsAlways() throws IOException {
        String w = workflow();
        int upload = w.indexOf("actions/upload-artifact");
        assertTrue(upload > 0, w);
        assertTrue(w.lastIndexOf("if: always()", upload) > w.lastIndexOf("- name:", upload) - 1
                && w.lastIndexOf("if: always()", upload) > 0, "the report upload must run if: always()\n" + w);
    }

    @Test
    void neverTurnsAFailureIntoAPass() throws IOException {
        String w = workflow();
        assertFalse(w.contains("continue-on-error"), w);
        assertFalse(w.contains("testFailureIgnore"), w);
        assertFalse(w.contains("-DskipTests"), w);
    }
}
