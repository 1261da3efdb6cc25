package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmio.poll.Trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-descriptor trigger record that lets epoll's three-argument reregister keep the trigger. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TriggerTableTest {
    @Test
    void recordsForgetsAndDefaultsToEdgeAcrossPages() {
        TriggerTable table = new TriggerTable();
        assertEquals(Trigger.EDGE, table.get(3), "nothing recorded: edge (EPOLL_CTL_MOD refuses it anyway)");
        int[] fds = {0, 3, TriggerTable.PAGE - 1, TriggerTable.PAGE, 5 * TriggerTable.PAGE + 7, 1 << 20, Integer.MAX_VALUE};
        Trigger[] modes = Trigger.values();
        for (int i = 0; i < fds.length; i++) {
            table.put(fds[i], modes[i % modes.length]);
        }
        for (int i = 0; i < fds.length; i++) {
            assertEquals(modes[i % modes.length], table.get(fds[i]), "fd " + fds[i]);
        }
        table.remove(3);
        table.remove(77_777); // never recorded, its page never made: nothing happens
        assertEquals(Trigger.EDGE, table.get(3));
        table.put(3, Trigger.ONESHOT);
        assertEquals(Trigger.ONESHOT, table.get(3));
    }

    /** Threads recording descriptors in fresh pages while the directory grows lose no entry. */
    @Test
    void concurrentRecordsWhileTheDirectoryGrowsAreAllKept() throws InterruptedException {
        TriggerTable table = new TriggerTable();
        int threads = 4;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    int fd = i * threads + offset;
                    table.put(fd, fd % 3 == 0 ? Trigger.LEVEL : Trigger.ONESHOT);
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        for (int fd = 0; fd < threads * perThread; fd++) {
            assertEquals(fd % 3 == 0 ? Trigger.LEVEL : Trigger.ONESHOT, table.get(fd), "fd " + fd);
        }
    }
}
