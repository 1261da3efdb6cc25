package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceSocket;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.contract.Fds;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Seeded random sequences of registry calls, writes, drains and polls on pipes, run on the IOCP
 * selector over the emulation and checked at every poll against a model of IOCP's rules: edge mode
 * reports data once per arming, and a drain that hits "would block" re-arms (as jmio's I/O types do
 * through {@link SourceSocket#rearm}); level mode reports unread data at every poll; oneshot at most
 * once per (re)registration; no event ever carries a token that is not a source's current one.
 * Sources are deregistered before their pipe is closed, as jmio documents. A failure names the seed
 * ({@code -Djmio.iocp.model.seed=N} replays it).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IocpRegistryModelTest {
    private static final int PIPES = 4;

    /** What the test knows about one pipe's read end. */
    private static final class Source {
        int[] fds;
        boolean registered;
        long token;
        Trigger trigger;
        boolean hasData;
        boolean edgeArmed;
        boolean oneshotArmed;
    }

    @Test
    void randomSequencesFollowTheIocpModel() throws IOException {
        String fixed = System.getProperty("jmio.iocp.model.seed");
        long master = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        Random seeds = new Random(master);
        int runs = fixed != null ? 1 : 40;
        for (int run = 0; run < runs; run++) {
            long seed = fixed != null ? master : seeds.nextLong();
            try {
                run(seed, 150);
            } catch (AssertionError | IOException | RuntimeException e) {
                throw new AssertionError("IOCP model failed; replay with -Djmio.iocp.model.seed=" + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void run(long seed, int steps) throws IOException {
        Random random = new Random(seed);
        Deque<String> trace = new ArrayDeque<>();
        Source[] sources = new Source[PIPES];
        long nextToken = 1;
        try (Poll poll = Poll.open(new EmulatedIocpBackend())) {
            Events events = Events.withCapacity(2 * PIPES);
            for (int i = 0; i < PIPES; i++) {
                sources[i] = new Source();
                sources[i].fds = Fds.pipe();
            }
            try {
                for (int step = 0; step < steps; step++) {
                    Source s = sources[random.nextInt(PIPES)];
                    SourceSocket socket = new SourceSocket(s.fds[0]);
                    int action = random.nextInt(8);
                    String where = "step " + step + " after " + trace;
                    if (action <= 1) {
                        boolean again = action == 1;
                        Trigger trigger = Trigger.values()[random.nextInt(3)];
                        long token = nextToken++;
                        trace.add((again ? "reregister(" : "register(") + s.fds[0] + "," + token + "," + trigger + ")");
                        if (again != s.registered) {
                            expect(again ? "ENOENT" : "EEXIST", () -> {
                                if (again) {
                                    poll.registry().reregister(socket, Token.of(token), Interest.READABLE, trigger);
                                } else {
                                    poll.registry().register(socket, Token.of(token), Interest.READABLE, trigger);
                                }
                            }, where);
                        } else {
                            if (again) {
                                poll.registry().reregister(socket, Token.of(token), Interest.READABLE, trigger);
                            } else {
                                poll.registry().register(socket, Token.of(token), Interest.READABLE, trigger);
                            }
                            s.registered = true;
                            s.token = token;
                            s.trigger = trigger;
                            s.edgeArmed = true;
                            s.oneshotArmed = true;
                        }
                    } else if (action == 2) {
                        trace.add("deregister(" + s.fds[0] + ")");
                        if (s.registered) {
                            poll.registry().deregister(socket);
                            s.registered = false;
                        } else {
                            expect("ENOENT", () -> poll.registry().deregister(socket), where);
                        }
                    } else if (action == 3 || action == 4) {
                        trace.add("write(" + s.fds[1] + ")");
                        Fds.write(s.fds[1]);
                        s.hasData = true;
                    } else if (action == 5) {
                        trace.add("drain+rearm(" + s.fds[0] + ")");
                        Fds.drain(s.fds[0]);
                        s.hasData = false;
                        if (s.registered) {
                            socket.rearm(poll.registry(), Interest.READABLE);
                            s.edgeArmed = true;
                        }
                    } else if (action == 6) {
                        trace.add("deregister+reopen(" + s.fds[0] + ")");
                        if (s.registered) {
                            poll.registry().deregister(socket);
                            s.registered = false;
                        }
                        Fds.close(s.fds[0], s.fds[1]);
                        s.fds = Fds.pipe();
                        s.hasData = false;
                    } else {
                        trace.add("poll");
                        check(poll, events, sources, where);
                    }
                    if (trace.size() > 12) {
                        trace.removeFirst();
                    }
                }
            } finally {
                for (Source s : sources) {
                    Fds.close(s.fds[0], s.fds[1]);
                }
            }
        }
    }

    private static void check(Poll poll, Events events, Source[] sources, String where) throws IOException {
        poll.poll(events, Duration.ofMillis(10));
        Set<Source> reported = new HashSet<>();
        for (Event e : events) {
            Source owner = null;
            for (Source s : sources) {
                if (s.registered && s.token == e.token()) {
                    owner = s;
                }
            }
            if (owner == null) {
                fail("event for a token that is no source's current one: " + e + " at " + where);
            }
            if (owner.trigger == Trigger.ONESHOT && !owner.oneshotArmed) {
                fail("oneshot reported twice without a reregister: " + e + " at " + where);
            }
            reported.add(owner);
        }
        for (Source s : sources) {
            if (!s.registered) {
                continue;
            }
            boolean must = s.hasData && (s.trigger == Trigger.LEVEL
                    || (s.trigger == Trigger.EDGE && s.edgeArmed)
                    || (s.trigger == Trigger.ONESHOT && s.oneshotArmed));
            if (must && !reported.contains(s)) {
                fail("expected an event for token " + s.token + " (" + s.trigger + ") at " + where + "; got " + events);
            }
            if (reported.contains(s) && s.hasData) {
                s.edgeArmed = false;
                s.oneshotArmed = false;
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws IOException;
    }

    private static void expect(String errno, Call call, String where) {
        try {
            call.run();
        } catch (SyscallException e) {
            assertEquals(errno, e.errnoName(), "at " + where + ": " + e.getMessage());
            return;
        } catch (IOException e) {
            fail("expected " + errno + " at " + where + ", got " + e);
        }
        fail("expected " + errno + " at " + where + ", the call succeeded");
    }
}
