package io.jmio.poll.uring;

/**
 * What this backend puts in a submission's {@code user_data}, which the kernel hands back unchanged
 * in the completion.
 *
 * <pre>
 *  63 62 61                              32 31                               0
 * +-----+----------------------------------+----------------------------------+
 * |kind |  generation (30 bits)            |  file descriptor (32 bits)       |   kind POLL (0)
 * +-----+----------------------------------+----------------------------------+
 *  kind WAKE (1): the poll of the selector's eventfd; TIMEOUT (2): a wait's IORING_OP_TIMEOUT;
 *  UPDATE (3): a poll update, with the descriptor and the generation it brings the request to, as POLL.
 * </pre>
 *
 * <p>Why not the token itself, as epoll's {@code data}: a token is any 64-bit value, and a completion
 * must also say which arming of which descriptor it belongs to. After a reregister or a deregister,
 * completions of the earlier request are still on their way (the cancellation's own
 * {@code -ECANCELED}, readiness posted before it); each arming gets the next generation of its
 * descriptor, the registration table keeps the current one, and a completion whose generation is
 * not current is dropped. The token is then read from the table, also kept per descriptor. A
 * generation wraps after 2^30 armings of one descriptor; a stale completion would have to survive
 * that long in the completion queue to be mistaken for a current one.
 *
 * <p>Threading: stateless.
 */
final class UserData {
    static final int POLL = 0;
    static final int WAKE = 1;
    static final int TIMEOUT = 2;
    static final int UPDATE = 3;
    static final int GENERATION_MASK = (1 << 30) - 1;

    private UserData() {
    }

    static long poll(int fd, int generation) {
        return ((long) (generation & GENERATION_MASK) << 32) | (fd & 0xFFFFFFFFL);
    }

    static long update(int fd, int generation) {
        return of(UPDATE) | poll(fd, generation);
    }

    static long of(int kind) {
        return (long) kind << 62;
    }

    static int kind(long userData) {
        return (int) (userData >>> 62);
    }

    static int fd(long userData) {
        return (int) userData;
    }

    static int generation(long userData) {
        return (int) (userData >>> 32) & GENERATION_MASK;
    }
}
