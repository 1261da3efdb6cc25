/**
 * JMH benchmarks of jmio. Filled by the benchmarks issue.
 */
package io.jmio.bench;
