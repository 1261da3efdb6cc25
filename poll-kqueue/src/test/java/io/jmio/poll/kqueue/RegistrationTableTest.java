package io.jmio.poll.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The primitive fd table against a {@link HashMap} model: random puts and removes, growth, wrap-around. */
class RegistrationTableTest {
    @Test
    void shouldMatchAHashMapOverRandomOperations() {
        Random random = new Random(42);
        RegistrationTable table = new RegistrationTable(4);
        Map<Integer, long[]> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int fd = random.nextInt(step < 100_000 ? 64 : 5000);
            if (random.nextInt(3) == 0) {
                table.remove(fd);
                model.remove(fd);
            } else {
                int state = random.nextInt(1 << 10);
                long token = random.nextLong();
                table.put(fd, state, token);
                model.put(fd, new long[] {state, token});
            }
            if (step % 997 == 0) {
                assertEquals(model.size(), table.size(), "size at step " + step);
                for (int probe = 0; probe < 5000; probe++) {
                    int at = table.find(probe);
                    long[] expected = model.get(probe);
                    if (expected == null) {
                        assertEquals(-1, at, "fd " + probe + " at step " + step);
                    } else {
                        assertEquals(expected[0], table.state(at), "state of fd " + probe);
                        assertEquals(expected[1], table.token(at), "token of fd " + probe);
                    }
                }
            }
        }
    }
}
