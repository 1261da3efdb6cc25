package io.jmio.poll.epoll.reliability;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link SocketModelTest} on the io_uring readiness backend (skipped, with the cause, where io_uring is unavailable).
 *
 * <p>Threading: JUnit's.
 */
@ExtendWith(OnUring.class)
class UringSocketModelTest extends SocketModelTest {
}
