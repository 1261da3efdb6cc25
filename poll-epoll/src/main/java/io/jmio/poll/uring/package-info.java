/**
 * The io_uring readiness backend: {@code Poll.open("io_uring")} served by io_uring poll requests on
 * Linux 6.0 or later, with the same {@code Poll}, {@code Registry} and {@code Waker} contract as epoll.
 * See {@link io.jmio.poll.uring.UringBackend}.
 */
package io.jmio.poll.uring;
