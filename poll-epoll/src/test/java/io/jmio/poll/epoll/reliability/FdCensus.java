package io.jmio.poll.epoll.reliability;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Counts this process's descriptors that jmio could leak: sockets, pipes and anonymous inodes
 * (epoll, eventfd), read from {@code /proc/self/fd} on Linux. Regular files are left out, because
 * the JVM opens jars and other files lazily (class loading) and that is not a leak of ours.
 *
 * <p>Threading: stateless.
 */
final class FdCensus {
    private FdCensus() {
    }

    /** @return a description of every open socket, pipe and anonymous-inode descriptor, for failure messages */
    static String describe() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                        sb.append(fd.getFileName()).append("->").append(target).append(socketTable(target)).append(' ');
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // the directory stream's own descriptor
                }
            }
        }
        return sb.toString().trim();
    }

    /** @return which of /proc/net's tables lists a socket inode (tcp, udp, unix, netlink ...), or "" */
    private static String socketTable(String target) throws IOException {
        if (!target.startsWith("socket:[")) {
            return "";
        }
        String inode = " " + target.substring(8, target.length() - 1) + " ";
        for (String table : new String[] {"tcp", "tcp6", "udp", "udp6", "unix", "netlink", "raw"}) {
            for (String line : Files.readAllLines(Path.of("/proc/self/net", table))) {
                if ((line + " ").contains(inode)) {
                    return "(" + table + ": " + line.trim().replaceAll("\\s+", " ") + ")";
                }
            }
        }
        return "(unknown)";
    }

    /** @return the number of open sockets, pipes and anonymous-inode descriptors */
    static int kernelObjects() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (NoSuchFileException closedMeanwhile) {
                    continue; // e.g. the directory stream's own descriptor
                }
                if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                    n++;
                }
            }
        }
        return n;
    }
}
