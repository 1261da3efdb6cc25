package io.jmio.poll.epoll.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Systemd socket activation for real: {@code systemd-socket-activate} (Debian: package {@code systemd})
 * binds a port and starts a child JVM with the listening socket as descriptor 3 and
 * {@code LISTEN_FDS}/{@code LISTEN_PID} set; the child ({@link ActivatedServer}) adopts it through
 * {@code SocketActivation} and answers. ({@code ProcessBuilder} closes every descriptor above 2 in its
 * children, which is why the tool, not the JVM, starts the child.)
 */
@EnabledOnOs(OS.LINUX)
class SocketActivationTest {
    private static final Path TOOL = Path.of("/usr/bin/systemd-socket-activate");

    @Test
    void shouldAdoptTheListeningSocketSystemdPasses() throws Exception {
        assumeTrue(Files.isExecutable(TOOL), TOOL + " is not installed (apt-get install systemd): socket activation untested");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();     // free now; the tool binds it a moment later
        }
        List<String> command = new ArrayList<>(List.of(TOOL.toString(), "-l", "127.0.0.1:" + port,
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");     // jnr-ffi on JDK 24+, as CI runs it
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ActivatedServer.class.getName()));
        Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder log = new StringBuilder();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(tool.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {     // the tool says when it listens
                log.append(line).append('\n');
                if (line.contains("Listening on")) {
                    break;
                }
            }
            assertTrue(line != null, "systemd-socket-activate did not listen: " + log);
            String reply;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.setSoTimeout(30_000);             // the child JVM starts on this first connection
                reply = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            }
            assertTrue(tool.waitFor(30, TimeUnit.SECONDS), "the child exits after one connection");
            log.append(new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertEquals(0, tool.exitValue(), "child exit status; output: " + log);
            assertTrue(reply.startsWith("activated: fd 3 is /127.0.0.1:" + port + " in pid "), reply + log);
            long childPid = Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1).trim());
            assertTrue(childPid != ProcessHandle.current().pid(), "served by the child, not by this JVM");
        } finally {
            tool.destroyForcibly();
        }
    }
}
