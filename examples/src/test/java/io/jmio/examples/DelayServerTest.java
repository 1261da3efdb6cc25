package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DelayServerTest {
    @Test
    void shouldAnswerManyConnectionsConcurrentlyAfterTheDelay() throws Exception {
        Duration delay = Duration.ofMillis(300);
        try (Running<DelayServer> running = new Running<>(new DelayServer(new InetSocketAddress("127.0.0.1", 0), delay))) {
            ManyClients.Result result = ManyClients.run(running.address, 500, Duration.ofSeconds(60));
            assertEquals(500, result.correct(), result.toString());
            assertEquals(0, result.failed(), result.toString());
            assertTrue(result.elapsed().compareTo(delay) >= 0, "no reply before the delay: " + result);
            assertTrue(result.elapsed().compareTo(Duration.ofSeconds(15)) < 0,
                    "replies overlap (one after another would take 150 s): " + result);
        }
    }
}
