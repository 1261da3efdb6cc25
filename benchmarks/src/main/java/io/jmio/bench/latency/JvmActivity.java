package io.jmio.bench.latency;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * What the JVM itself did, from its own MXBeans: collections and their time (only the collectors
 * that pause: a bean named "... Concurrent ..." counts concurrent cycles and is left out), safepoints
 * and the time spent in them (HotSpot's internal runtime bean, reached reflectively: it needs
 * {@code --add-exports java.management/sun.management=ALL-UNNAMED}, else those stay unknown, -1), and
 * JIT compilation time.
 *
 * <p>Threading: a plain mutable holder; {@link #sample} may be called from any thread.
 */
final class JvmActivity {
    long gcCount;
    long gcMillis;
    long safepoints = -1;
    long safepointMillis = -1;
    long jitMillis = -1;

    private static final Object RUNTIME = hotspotRuntime();
    private static final String BEAN = "sun.management.HotspotRuntimeMBean";

    void sample() {
        gcCount = 0;
        gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc.getName().contains("Concurrent")) {
                continue;
            }
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        if (RUNTIME != null) {
            try {
                Class<?> bean = Class.forName(BEAN);
                safepoints = (Long) bean.getMethod("getSafepointCount").invoke(RUNTIME);
                safepointMillis = (Long) bean.getMethod("getTotalSafepointTime").invoke(RUNTIME);
            } catch (ReflectiveOperationException | RuntimeException e) {
                safepoints = safepointMillis = -1;
            }
        }
        jitMillis = ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported()
                ? ManagementFactory.getCompilationMXBean().getTotalCompilationTime() : -1;
    }

    /** @return {@code later - earlier} for every field, -1 where either is unknown */
    static JvmActivity difference(JvmActivity later, JvmActivity earlier) {
        JvmActivity d = new JvmActivity();
        d.gcCount = later.gcCount - earlier.gcCount;
        d.gcMillis = later.gcMillis - earlier.gcMillis;
        d.safepoints = diff(later.safepoints, earlier.safepoints);
        d.safepointMillis = diff(later.safepointMillis, earlier.safepointMillis);
        d.jitMillis = diff(later.jitMillis, earlier.jitMillis);
        return d;
    }

    private static long diff(long a, long b) {
        return a < 0 || b < 0 ? -1 : a - b;
    }

    private static Object hotspotRuntime() {
        try {
            Class<?> helper = Class.forName("sun.management.ManagementFactoryHelper");
            Object bean = helper.getMethod("getHotspotRuntimeMBean").invoke(null);
            Class.forName(BEAN).getMethod("getSafepointCount").invoke(bean);
            return bean;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError notExported) {
            return null;
        }
    }
}
