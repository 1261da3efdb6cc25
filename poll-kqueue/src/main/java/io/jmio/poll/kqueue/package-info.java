/**
 * The macOS and BSD backend: kqueue through jnr-ffi. Not yet implemented: see the project's issues.
 */
package io.jmio.poll.kqueue;
