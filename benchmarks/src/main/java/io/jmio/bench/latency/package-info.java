/**
 * {@code ./bench latency}: an open-loop C load generator ({@code c_load_client.c}, compiled at run
 * time) against every echo server, each hosted in a JVM of its own ({@link io.jmio.bench.latency.LatencyHost}),
 * driven by {@link io.jmio.bench.latency.LatencyBench}: closed-loop throughput from the C client,
 * coordinated-omission-corrected latency histograms at fixed offered rates, the server JVM's GC,
 * safepoint and JIT activity during each run, and async-profiler profiles of each server's loop.
 */
package io.jmio.bench.latency;
