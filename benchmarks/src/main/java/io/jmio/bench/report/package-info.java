/**
 * Turns a results directory of the {@code bench} script into {@code report.md} and {@code echo.svg},
 * with no dependency beyond the JDK.
 */
package io.jmio.bench.report;
