/**
 * The POSIX system layer shared by the Unix backends (epoll and kqueue): one jnr-ffi binding of libc
 * ({@code LibC}, reachable only through {@link io.jmio.poll.posix.Posix}), errno naming
 * ({@link io.jmio.poll.posix.Errno}) and native memory helpers.
 *
 * <p>This package is the backends' plumbing, not application API: its signatures follow the system
 * calls and may change between releases.
 */
package io.jmio.poll.posix;
