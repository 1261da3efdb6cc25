package io.jmio.poll.iocp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The AFD handles of one selector, each shared by up to {@value #MAX_SOCKETS} sockets, as mio and
 * wepoll group them: one handle per socket would cost a kernel object each, one handle for all would
 * serialize every poll request in the driver.
 *
 * <p>A socket takes the newest handle while it has room, else a new one is opened (and associated
 * with the port under {@link IocpSelector#AFD_KEY}); a handle is closed when its last socket is freed
 * (after its last poll's packet) unless it is the one still being filled.
 *
 * <p>Threading: guarded by the selector's lock.
 */
final class AfdGroup {
    static final int MAX_SOCKETS = 32;

    /** One AFD handle and the number of slots using it. */
    static final class Afd {
        final long handle;
        int users;

        Afd(long handle) {
            this.handle = handle;
        }
    }

    private final IocpSystem system;
    private final long port;
    private final List<Afd> open = new ArrayList<>();
    private Afd current;

    AfdGroup(IocpSystem system, long port) {
        this.system = system;
        this.port = port;
    }

    /** @return a handle for one more socket */
    Afd acquire() throws IOException {
        if (current == null || current.users >= MAX_SOCKETS) {
            current = new Afd(system.openAfd(port, IocpSelector.AFD_KEY));
            open.add(current);
        }
        current.users++;
        return current;
    }

    /** Gives a socket's share back, closing the handle if it was the last and the handle is full. */
    void release(Afd afd) throws IOException {
        afd.users--;
        if (afd.users == 0 && afd != current) {
            open.remove(afd);
            system.closeHandle(afd.handle);
        }
    }

    /** @return the number of open AFD handles */
    int size() {
        return open.size();
    }

    /** Closes every handle; the first failure is thrown after all were tried. */
    void closeAll() throws IOException {
        IOException first = null;
        for (Afd afd : open) {
            try {
                system.closeHandle(afd.handle);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        current = null;
        if (first != null) {
            throw first;
        }
    }
}
