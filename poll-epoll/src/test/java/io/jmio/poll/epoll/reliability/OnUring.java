package io.jmio.poll.epoll.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.Poll;
import io.jmio.poll.uring.UringTestBackend;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a reliability test class on the io_uring readiness backend: for the class's duration every
 * {@link Poll#open()} of the process (the test's, its helpers' and its threads') opens io_uring,
 * through the {@value Poll#BACKEND_PROPERTY} system property, which is restored afterwards. Where
 * the kernel forbids or lacks io_uring the class is skipped, naming the cause. The property is
 * process-wide: this relies on test classes running one after another (the build runs no two at once).
 *
 * <p>Threading: JUnit calls it on the thread that runs the class.
 */
final class OnUring implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(OnUring.class);
    private static final String NONE = "";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        UringTestBackend.available();
        String before = System.getProperty(Poll.BACKEND_PROPERTY);
        context.getStore(NS).put(Poll.BACKEND_PROPERTY, before == null ? NONE : before);
        System.setProperty(Poll.BACKEND_PROPERTY, "io_uring");
        try (Poll poll = Poll.open()) {
            assertEquals("io_uring", poll.backendName(), "the backend Poll.open() picks for this class");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String before = context.getStore(NS).remove(Poll.BACKEND_PROPERTY, String.class);
        if (before == null || before.equals(NONE)) {
            System.clearProperty(Poll.BACKEND_PROPERTY);
        } else {
            System.setProperty(Poll.BACKEND_PROPERTY, before);
        }
    }
}
