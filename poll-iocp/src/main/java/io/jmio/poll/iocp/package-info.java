/**
 * The Windows backend: I/O completion ports with AFD readiness polling through jnr-ffi. Not yet implemented: see the project's issues.
 */
package io.jmio.poll.iocp;
