/**
 * The echo servers the echo benchmark compares (jmio, C, Netty, JDK), the client that drives them all
 * and verifies every byte, and the probes of a loop thread's cost ({@code /proc} CPU time, the loops'
 * own system-call counts, {@code strace -c}).
 */
package io.jmio.bench.echo;
