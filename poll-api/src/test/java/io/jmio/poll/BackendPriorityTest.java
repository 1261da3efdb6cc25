package io.jmio.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jmio.poll.spi.PollBackend;
import io.jmio.poll.spi.Selector;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link Poll#open()} chooses among several backends for the OS (priority, then name), and that it
 * finds backends through the thread's context class loader when its own loader has none (poll-api's
 * test class path has no backend).
 */
class BackendPriorityTest {
    @TempDir
    Path dir;

    /** A backend that refuses to open, saying who it is: the choice is visible without a kernel. */
    public abstract static class Fake implements PollBackend {
        @Override
        public boolean supportsCurrentOs() {
            return true;
        }

        @Override
        public Throwable unavailabilityCause() {
            return null;
        }

        @Override
        public Selector openSelector() throws IOException {
            throw new IOException("opened " + name());
        }
    }

    /** Priority 0, named last. */
    public static final class Zulu extends Fake {
        @Override
        public String name() {
            return "zulu";
        }
    }

    /** Priority 0, named first. */
    public static final class Alpha extends Fake {
        @Override
        public String name() {
            return "alpha";
        }
    }

    /** Named first of all, but lower priority. */
    public static final class Aardvark extends Fake {
        @Override
        public String name() {
            return "aardvark";
        }

        @Override
        public int priority() {
            return -10;
        }
    }

    private String openedWith(String... backends) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        StringBuilder list = new StringBuilder();
        for (String b : backends) {
            list.append(BackendPriorityTest.class.getName()).append('$').append(b).append('\n');
        }
        Files.writeString(services.resolve(PollBackend.class.getName()), list);
        Thread thread = Thread.currentThread();
        ClassLoader old = thread.getContextClassLoader();
        String forced = System.clearProperty(Poll.BACKEND_PROPERTY);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            thread.setContextClassLoader(loader);
            return assertThrows(IOException.class, Poll::open).getMessage();
        } finally {
            thread.setContextClassLoader(old);
            if (forced != null) {
                System.setProperty(Poll.BACKEND_PROPERTY, forced);
            }
        }
    }

    @Test
    void shouldPickTheHighestPriorityThenTheFirstNameWhateverTheOrder() throws IOException {
        assertEquals("opened alpha", openedWith("Zulu", "Aardvark", "Alpha"));
        assertEquals("opened alpha", openedWith("Alpha", "Zulu", "Aardvark"));
        assertEquals("opened zulu", openedWith("Aardvark", "Zulu"));
    }

    @Test
    void shouldFindBackendsThroughTheContextClassLoaderOnlyWhenItsOwnHasNone() throws IOException {
        assertEquals("opened aardvark", openedWith("Aardvark"));
        assertThrows(IOException.class, Poll::open, "without the context loader poll-api's tests see no backend");
    }
}
