package io.jmio.poll.kqueue;

import io.jmio.poll.posix.Platform;

/**
 * The condition of the tests that need a real kqueue kernel (macOS, the BSDs): they run in the
 * {@code kqueue} GitHub workflow, and are skipped on Linux, where the emulation tests run instead.
 */
final class RealKqueue {
    private RealKqueue() {
    }

    /** @return true on macOS and the BSDs the backend supports (not NetBSD: see {@link KqueueBackend#unsupported}) */
    static boolean available() {
        return Platform.current().isBsd() && Platform.current() != Platform.NETBSD;
    }
}
