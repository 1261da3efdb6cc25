package io.jmio.poll.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.completion.BufferRing;
import io.jmio.poll.completion.CompletionQueue;
import io.jmio.poll.completion.Completions;
import io.jmio.poll.net.TcpListener;
import io.jmio.poll.net.TcpStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Holds the README's completion quick start verbatim (between the markers), so that it keeps
 * compiling and working; skipped, with the cause, where io_uring is unavailable.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class CompletionQuickStartTest {
    @Test
    void quickStartRuns() throws IOException {
        UringTestBackend.available();
        assertEquals("hello", quickStart());
    }

    @Test
    void readmeShowsThisExactCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/jmio/poll/uring/CompletionQuickStartTest.java"));
        String snippet = source.split("// completion-quick-start begin\n")[1].split("\\s*// completion-quick-start end")[0];
        StringBuilder unindented = new StringBuilder();
        for (String line : snippet.split("\n")) {
            unindented.append(line.startsWith("        ") ? line.substring(8) : line).append('\n');
        }
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains(unindented.toString().strip()),
                "README.md's completion quick start differs from CompletionQuickStartTest");
    }

    static String quickStart() throws IOException {
        // completion-quick-start begin
        final long ACCEPT = 1, SEND = 2, RECV = 3;
        String received = null;
        try (CompletionQueue queue = CompletionQueue.open("io_uring");  // Linux 6.0+, io_uring enabled
             TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             TcpStream client = TcpStream.connect(listener.localAddress())) {
            BufferRing ring = queue.bufferRing(16, 4096);  // 16 buffers of 4 KiB for the kernel to fill
            Completions done = new Completions(64);        // allocated once, reused by every reap
            ByteBuffer hello = ByteBuffer.allocateDirect(5).put("hello".getBytes(StandardCharsets.US_ASCII)).flip();
            queue.accept(listener, ACCEPT);                // multishot: one completion per connection
            TcpStream server = null;
            while (received == null) {
                queue.reap(done, -1);                      // one io_uring_enter: submits what is queued, waits
                for (int i = 0; i < done.size(); i++) {
                    if (done.failed(i)) {
                        throw new IOException("operation " + done.token(i) + ": " + done.errnoName(i));
                    }
                    if (done.token(i) == ACCEPT) {
                        server = TcpStream.fromFd(done.result(i));
                        queue.recvMultishot(server, ring, RECV); // one completion per buffer filled
                        queue.send(client, hello, SEND);   // the kernel reads the direct buffer later
                    } else if (done.token(i) == RECV) {
                        int id = done.bufferId(i);
                        received = StandardCharsets.US_ASCII.decode(ring.buffer(id).limit(done.result(i))).toString();
                        ring.recycle(id);                  // lent to the kernel again at the next reap
                    }
                }
            }
            server.close();                                // from any thread: cancels its pending receive
        }
        // completion-quick-start end
        return received;
    }
}
