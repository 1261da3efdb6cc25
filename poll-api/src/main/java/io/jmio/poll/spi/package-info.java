/**
 * The contract between jmio's API and its backends, as mio's {@code sys} module: every backend
 * ({@code poll-epoll}, {@code poll-kqueue}, {@code poll-iocp}) provides a {@link io.jmio.poll.spi.PollBackend}
 * through {@link java.util.ServiceLoader}, a {@link io.jmio.poll.spi.Selector} and an
 * {@link io.jmio.poll.spi.EventBuffer}, with the same method names in each.
 *
 * <p>Applications do not use this package; backend authors do.
 */
package io.jmio.poll.spi;
