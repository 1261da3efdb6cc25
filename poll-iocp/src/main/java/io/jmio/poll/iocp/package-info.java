/**
 * The Windows backend: readiness of sockets from AFD polls completed through an I/O completion port,
 * as mio and wepoll obtain it, bound to kernel32, ntdll and ws2_32 through jnr-ffi.
 *
 * <p>{@link io.jmio.poll.iocp.IocpBackend} is the only public type; the selector, the slot table,
 * the native facade and the struct descriptors are package-private.
 */
package io.jmio.poll.iocp;
