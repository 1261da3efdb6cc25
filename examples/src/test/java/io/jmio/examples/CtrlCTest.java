package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each example's main, started in its own JVM on port 0, serves and then exits cleanly on SIGINT. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "sends SIGINT with kill -INT and expects exit code 130: Unix only")
class CtrlCTest {
    private static final Pattern LISTENING = Pattern.compile("listening on [0-9.]+:(\\d+)");

    @ParameterizedTest
    @ValueSource(classes = {EchoServer.class, HttpServer.class, MultiLoopHttpServer.class, UdpEchoServer.class,
        DelayServer.class})
    void shouldExitCleanlyOnSigint(Class<?> main) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), "0"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int port = -1;
            StringBuilder seen = new StringBuilder();
            while (port < 0 && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                }
            }
            assertTrue(port > 0, "no 'listening on' line: " + seen);
            if (main != UdpEchoServer.class) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    assertTrue(socket.isConnected());
                }
            }
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
            assertEquals(0, kill.waitFor());
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "exited after SIGINT");
            String rest = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            seen.append(rest);
            assertTrue(seen.toString().contains("stopped"), "clean stop reported: " + seen);
            assertEquals(130, process.exitValue(), "128 + SIGINT: " + seen);
        } finally {
            process.destroyForcibly();
        }
    }
}
