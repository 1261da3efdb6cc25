package io.jmio.poll.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmio.poll.ClosedPollException;
import io.jmio.poll.Event;
import io.jmio.poll.Events;
import io.jmio.poll.Interest;
import io.jmio.poll.Poll;
import io.jmio.poll.SourceFd;
import io.jmio.poll.SyscallException;
import io.jmio.poll.Token;
import io.jmio.poll.Trigger;
import io.jmio.poll.spi.PollBackend;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model-based test of the registry state machine: seeded random sequences of register, reregister,
 * deregister, write, drain, close-and-reopen and poll on real pipes, checked step by step against a
 * small reference model of what must happen. A failure names the seed and the step, and the whole
 * sequence replays from the seed ({@code -Djmio.model.seed=N}).
 *
 * <p>The model predicts exactly: which registry calls fail and with which errno, that no event ever
 * carries a token other than a source's current one (nor any for an unregistered or closed source),
 * that a level-triggered readable source with unread data is reported by every poll, that an
 * edge-triggered one is reported after new data arrives, and that a oneshot one is reported at most
 * once per arming. It allows what the contract allows: an extra (spurious) event for a registered
 * source with its current token.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class RegistryModelContract {
    private static final int PIPES = 4;

    /** @return the backend under test */
    protected abstract PollBackend backend();

    /** @return how many sequences to run; a subclass may lower it for a slow emulation */
    protected int sequences() {
        return 40;
    }

    /** @return steps per sequence */
    protected int steps() {
        return 150;
    }

    /**
     * @return true where a registration outlives the close of its descriptor (io_uring: a poll
     *         request holds its file, and events it posted before the close are still delivered), so
     *         the model deregisters a registered source before closing it;
     *         false (epoll, kqueue, IOCP) where the close itself ends the registration
     */
    protected boolean registrationOutlivesClose() {
        return false;
    }

    /** The model of one pipe's read end. */
    private static final class Model {
        int[] fds;
        boolean registered;
        long token;
        Trigger trigger;
        boolean hasData;
        /** Edge: data arrived since the last report. Oneshot: armed. */
        boolean pendingEdge;
        boolean oneshotArmed;
    }

    @Test
    void randomSequencesMatchTheModel() throws IOException {
        String fixed = System.getProperty("jmio.model.seed");
        long master = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        int runs = fixed != null ? 1 : sequences();
        Random seeds = new Random(master);
        for (int run = 0; run < runs; run++) {
            long seed = fixed != null ? master : seeds.nextLong();
            try {
                runSequence(seed);
            } catch (AssertionError | IOException | RuntimeException e) {
                throw new AssertionError("model sequence failed; replay with -Djmio.model.seed=" + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private void runSequence(long seed) throws IOException {
        Random random = new Random(seed);
        List<String> trace = new ArrayList<>();
        Model[] models = new Model[PIPES];
        long nextToken = 1;
        try (Poll poll = Poll.open(backend())) {
            Events events = Events.withCapacity(PIPES * 2);
            for (int i = 0; i < PIPES; i++) {
                models[i] = new Model();
                models[i].fds = Fds.pipe();
            }
            try {
                for (int step = 0; step < steps(); step++) {
                    Model m = models[random.nextInt(PIPES)];
                    SourceFd source = new SourceFd(m.fds[0]);
                    int action = random.nextInt(8);
                    String where = "step " + step + " " + trace;
                    switch (action) {
                        case 0: { // register
                            Trigger trigger = Trigger.values()[random.nextInt(3)];
                            long token = nextToken++;
                            trace.add("register(" + m.fds[0] + "," + token + "," + trigger + ")");
                            if (m.registered) {
                                expectErrno("EEXIST", () -> poll.registry().register(source, Token.of(token), Interest.READABLE, trigger), where);
                            } else {
                                poll.registry().register(source, Token.of(token), Interest.READABLE, trigger);
                                arm(m, token, trigger);
                            }
                            break;
                        }
                        case 1: { // reregister
                            Trigger trigger = Trigger.values()[random.nextInt(3)];
                            long token = nextToken++;
                            trace.add("reregister(" + m.fds[0] + "," + token + "," + trigger + ")");
                            if (!m.registered) {
                                expectErrno("ENOENT", () -> poll.registry().reregister(source, Token.of(token), Interest.READABLE, trigger), where);
                            } else {
                                poll.registry().reregister(source, Token.of(token), Interest.READABLE, trigger);
                                arm(m, token, trigger);
                            }
                            break;
                        }
                        case 2: { // deregister
                            trace.add("deregister(" + m.fds[0] + ")");
                            if (!m.registered) {
                                expectErrno("ENOENT", () -> poll.registry().deregister(source), where);
                            } else {
                                poll.registry().deregister(source);
                                m.registered = false;
                            }
                            break;
                        }
                        case 3:
                        case 4: { // write
                            trace.add("write(" + m.fds[1] + ")");
                            Fds.write(m.fds[1]);
                            m.hasData = true;
                            m.pendingEdge = true;
                            break;
                        }
                        case 5: { // drain
                            trace.add("drain(" + m.fds[0] + ")");
                            Fds.drain(m.fds[0]);
                            m.hasData = false;
                            m.pendingEdge = false;
                            break;
                        }
                        case 6: { // close and reopen the pipe: the kernel drops the registration
                            if (m.registered && registrationOutlivesClose()) {
                                trace.add("deregister(" + m.fds[0] + ")");
                                poll.registry().deregister(source);
                            }
                            trace.add("reopen(" + m.fds[0] + ")");
                            Fds.close(m.fds[0], m.fds[1]);
                            m.fds = Fds.pipe();
                            m.registered = false;
                            m.hasData = false;
                            m.pendingEdge = false;
                            break;
                        }
                        default: { // poll
                            trace.add("poll");
                            pollAndCheck(poll, events, models, where);
                            break;
                        }
                    }
                    if (trace.size() > 12) {
                        trace.remove(0);
                    }
                }
            } finally {
                for (Model m : models) {
                    Fds.close(m.fds[0], m.fds[1]);
                }
            }
        } catch (ClosedPollException e) {
            fail("the poll closed itself: " + e);
        }
    }

    private static void arm(Model m, long token, Trigger trigger) {
        m.registered = true;
        m.token = token;
        m.trigger = trigger;
        // A (re)registration reports readiness that already exists, in every mode.
        m.pendingEdge = m.hasData;
        m.oneshotArmed = true;
    }

    private static void pollAndCheck(Poll poll, Events events, Model[] models, String where) throws IOException {
        poll.poll(events, Duration.ofMillis(10));
        Map<Long, Model> byToken = new HashMap<>();
        for (Model m : models) {
            if (m.registered) {
                byToken.put(m.token, m);
            }
        }
        Map<Model, Boolean> reported = new HashMap<>();
        for (Event e : events) {
            Model m = byToken.get(e.token());
            if (m == null) {
                fail("event for a token that is not any source's current one: " + e + " at " + where);
            }
            if (m.trigger == Trigger.ONESHOT && !m.oneshotArmed) {
                fail("oneshot source reported twice without a reregister: " + e + " at " + where);
            }
            reported.put(m, Boolean.TRUE);
        }
        for (Model m : models) {
            if (!m.registered) {
                continue;
            }
            boolean must;
            switch (m.trigger) {
                case LEVEL:
                    must = m.hasData;
                    break;
                case EDGE:
                    must = m.pendingEdge;
                    break;
                default:
                    must = m.oneshotArmed && m.hasData;
                    break;
            }
            boolean was = reported.containsKey(m);
            if (must && !was) {
                fail("expected an event for token " + m.token + " (" + m.trigger + ", data=" + m.hasData + ") at " + where
                        + "; got " + events);
            }
            if (was) {
                m.pendingEdge = false;
                if (m.trigger == Trigger.ONESHOT) {
                    m.oneshotArmed = false;
                }
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws IOException;
    }

    private static void expectErrno(String errno, Call call, String where) {
        try {
            call.run();
        } catch (SyscallException e) {
            assertEquals(errno, e.errnoName(), "wrong errno at " + where + ": " + e.getMessage());
            return;
        } catch (IOException e) {
            fail("expected " + errno + " at " + where + ", got " + e);
        }
        fail("expected " + errno + " at " + where + ", the call succeeded");
    }
}
