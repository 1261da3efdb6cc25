package io.jmio.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an echo loop's CPU goes, from async-profiler's collapsed stacks ({@code frame;frame;... count}
 * per line): each sample is charged to the category of its leaf frame (self time). With
 * {@code itimer} sampling a sample inside a system call has the libc wrapper as its leaf, so
 * "kernel" is the time in system calls. Only the loop thread's stacks count: lines whose root is a
 * thread frame ({@code [name tid=n]}) of another thread are skipped.
 *
 * <p>Threading: immutable after {@link #read}.
 */
final class ProfileBreakdown {
    /** The categories, in report order. */
    static final String[] CATEGORIES = {"kernel (system calls)", "FFI stubs (jnr-ffi, jffi, errno)", "jmio",
        "server loop", "Netty", "JDK", "JVM (runtime, JIT, GC, interpreter)"};

    private static final Pattern SYSCALL = Pattern.compile(
            "(__GI_)?(__libc_|__)?(read|write|recv|send|recvfrom|sendto|epoll_wait|epoll_pwait2?|epoll_ctl|accept4?|"
                    + "syscall|clock_gettime|__vdso_clock_gettime)(64)?(_\\[k])?");

    final Map<String, Long> samples = new LinkedHashMap<>();
    long total;

    private ProfileBreakdown() {
        for (String c : CATEGORIES) {
            samples.put(c, 0L);
        }
    }

    /**
     * @param collapsed the collapsed-stacks file
     * @param loopThread the loop thread's name prefix (lines rooted in another named thread are skipped)
     * @return the breakdown
     * @throws IOException if the file cannot be read
     */
    static ProfileBreakdown read(Path collapsed, String loopThread) throws IOException {
        ProfileBreakdown b = new ProfileBreakdown();
        for (String line : Files.readAllLines(collapsed)) {
            int sp = line.lastIndexOf(' ');
            if (sp < 0) {
                continue;
            }
            long n;
            try {
                n = Long.parseLong(line.substring(sp + 1).trim());
            } catch (NumberFormatException e) {
                continue;
            }
            String stack = line.substring(0, sp);
            String root = stack.substring(0, stack.indexOf(';') < 0 ? stack.length() : stack.indexOf(';'));
            boolean threadFrame = root.startsWith("[") && root.contains(" tid=");
            if (threadFrame && !root.startsWith("[" + loopThread)) {
                continue;
            }
            if (!threadFrame && stack.contains("CompileBroker::")) {
                continue; // a JIT compiler thread the thread filter let through
            }
            String leaf = stack.substring(stack.lastIndexOf(';') + 1);
            b.samples.merge(category(leaf, stack), n, Long::sum);
            b.total += n;
        }
        return b;
    }

    static String category(String leaf, String stack) {
        if (SYSCALL.matcher(leaf).matches() || leaf.endsWith("_[k]")) {
            return CATEGORIES[0];
        }
        String[] frames = stack.split(";");
        String parent = frames.length > 1 ? frames[frames.length - 2] : "";
        if (leaf.equals("[unknown]") && parent.contains("$jnr$ffi$")) {
            return CATEGORIES[1]; // the generated native stub, between jnr-ffi's Java frame and the C function
        }
        if (leaf.startsWith("jnr/") || leaf.startsWith("com/kenai/jffi") || leaf.startsWith("jffi_")
                || leaf.startsWith("Java_com_kenai_jffi") || leaf.startsWith("ffi_") || leaf.equals("__errno_location")
                || leaf.contains("$jnr$ffi$")) {
            return CATEGORIES[1];
        }
        if (leaf.startsWith("io/jmio/poll/")) {
            return CATEGORIES[2];
        }
        if (leaf.startsWith("io/jmio/bench/") || leaf.startsWith("io/jmio/examples/")) {
            return CATEGORIES[3];
        }
        if (leaf.startsWith("io/netty/")) {
            return CATEGORIES[4];
        }
        if (leaf.startsWith("java/") || leaf.startsWith("jdk/") || leaf.startsWith("sun/")) {
            return CATEGORIES[5];
        }
        if (!stack.contains("/") && !stack.contains("::") && !leaf.startsWith("[")) {
            return CATEGORIES[3]; // a C program's own function: no Java frame and no C++ (JVM) frame
        }
        return CATEGORIES[6];
    }

    /** @return the share of {@code category} in per cent, NaN without samples */
    double percent(String category) {
        return total == 0 ? Double.NaN : 100.0 * samples.get(category) / total;
    }
}
