package io.jmio.examples;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/** An example server running its loop on a thread of its own, stopped and checked on close. */
final class Running<S extends ExampleServer> implements AutoCloseable {
    final S server;
    final InetSocketAddress address;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    Running(S server) throws IOException {
        this.server = server;
        this.address = server.localAddress();
        this.thread = new Thread(() -> {
            try {
                server.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "example-server");
        thread.start();
    }

    /** @return the loop's thread (for its allocation counter, say) */
    Thread thread() {
        return thread;
    }

    @Override
    public void close() throws IOException {
        server.stop();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the server", e);
        }
        assertFalse(thread.isAlive(), "the loop stops when asked");
        server.close();
        assertNull(failure.get(), () -> "the loop failed: " + failure.get());
    }
}
