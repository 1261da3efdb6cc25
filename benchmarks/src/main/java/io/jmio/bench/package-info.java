/**
 * JMH benchmarks of jmio against the JDK {@code Selector}, Netty's native epoll transport and a C
 * epoll server: {@link io.jmio.bench.EchoBenchmark} (loopback echo throughput, CPU and system calls per
 * round trip) and the micro-benchmarks {@link io.jmio.bench.JmioPollBenchmark},
 * {@link io.jmio.bench.JdkSelectorBenchmark}, {@link io.jmio.bench.NettyEpollBenchmark} and
 * {@link io.jmio.bench.JmioLayersBenchmark}. Run them with the {@code bench} script at the repository
 * root; {@code benchmarks/README.md} explains the method.
 */
package io.jmio.bench;
