/*
 * c_load_client.c: the load generator of jmio's latency benchmark (./bench latency).
 *
 * One thread, one epoll instance, N non-blocking loopback TCP connections to an echo server.
 *
 *   closed  every connection keeps one message in flight: a reply completes, the next message goes
 *           out. Counts the round trips completed in the measurement window: the server's maximum
 *           at N messages in flight, with a client that costs a few hundred ns per round trip.
 *   open    messages go out at a fixed total rate R, whatever the replies do: connection i sends its
 *           k-th message at the intended time t0 + (i + k N) / R (a uniform schedule, connections
 *           interleaved). Every latency is measured from the message's *intended* send time, not
 *           from when it actually went out, so a stalled server (or client) is charged for every
 *           message that should have been sent during the stall (coordinated omission corrected, as
 *           wrk2 and HdrHistogram do). Replies on a connection come back in order; each carries
 *           its sequence number, checked with every other byte of the message.
 *
 * Usage: c_load_client <port> closed|open <connections> <size> <warmup-ms> <measure-ms> <rate/s> <histogram-file>
 *   (the rate is ignored in closed mode). Writes the latency histogram of the measurement window
 *   (log-bucketed, 64 buckets per power of two: at most 1.6 % error; lines "lower-ns width-ns
 *   count") to the file, and a summary on stdout as "KEY value" lines. Exits 1 on a wrong byte, a
 *   closed connection or a failed call, with the reason on stderr.
 *
 * Written for the jmio benchmarks; compiled with `gcc -O2` when the benchmark starts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

#define SUB_BITS 6
#define SUB (1 << SUB_BITS)
#define BUCKETS (SUB * 40)
#define RECV_SIZE (64 * 1024)
#define MAX_EVENTS 512
/* After the window closes, replies still owed are awaited this long. */
#define DRAIN_NS 5000000000LL

struct conn {
    int fd;
    int index;
    int want_out;            /* registered for EPOLLOUT */
    uint64_t next_send;      /* sequence number of the next message to queue */
    uint64_t next_reply;     /* sequence number of the next reply expected */
    int64_t *intended;       /* ring of intended send times, indexed by sequence % ring */
    uint64_t ring;
    char *out;               /* bytes queued but not yet written */
    size_t out_len, out_cap;
    char in[RECV_SIZE];
    size_t in_len;
};

static uint64_t hist[BUCKETS];
static int64_t hist_max, hist_min = INT64_MAX;
static uint64_t hist_count;
static int size;
static int epfd;
static int have_pwait2 = 1;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int bucket(int64_t v) {
    if (v < SUB) return v < 0 ? 0 : (int) v;
    int e = 63 - __builtin_clzll((uint64_t) v);
    int sub = (int) ((v >> (e - SUB_BITS)) & (SUB - 1));
    int i = SUB * (e - SUB_BITS + 1) + sub;
    return i < BUCKETS ? i : BUCKETS - 1;
}

static void record(int64_t v) {
    hist[bucket(v)]++;
    hist_count++;
    if (v > hist_max) hist_max = v;
    if (v < hist_min) hist_min = v;
}

static void fill(char *p, uint64_t seq, int conn) {
    memcpy(p, &seq, 8 < size ? 8 : size);
    for (int j = 8; j < size; j++) p[j] = (char) (seq * 31 + (uint64_t) conn * 7 + j);
}

static void check(struct conn *c, const char *p, uint64_t seq) {
    char expect[RECV_SIZE];
    fill(expect, seq, c->index);
    if (memcmp(p, expect, size) != 0) {
        for (int j = 0; j < size; j++) {
            if (p[j] != expect[j]) {
                fprintf(stderr, "connection %d: reply %llu differs from what was sent at byte %d\n",
                        c->index, (unsigned long long) seq, j);
                exit(1);
            }
        }
    }
}

static void arm(struct conn *c, int out) {
    if (c->want_out == out) return;
    struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c };
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
    c->want_out = out;
}

static void queue(struct conn *c, int64_t intended) {
    if (c->next_send - c->next_reply >= c->ring) {
        fprintf(stderr, "connection %d: more than %llu messages in flight; the server has stalled\n",
                c->index, (unsigned long long) c->ring);
        exit(1);
    }
    if (c->out_len + size > c->out_cap) {
        c->out_cap = 2 * (c->out_cap + size);
        c->out = realloc(c->out, c->out_cap);
        if (c->out == NULL) die("realloc");
    }
    fill(c->out + c->out_len, c->next_send, c->index);
    c->out_len += size;
    c->intended[c->next_send % c->ring] = intended;
    c->next_send++;
}

static void flush(struct conn *c) {
    size_t done = 0;
    while (done < c->out_len) {
        ssize_t n = write(c->fd, c->out + done, c->out_len - done);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) break;
            die("write");
        }
        done += (size_t) n;
    }
    if (done > 0) {
        memmove(c->out, c->out + done, c->out_len - done);
        c->out_len -= done;
    }
    arm(c, c->out_len > 0);
}

/* Reads what is there; returns the number of replies completed. Records those intended in the window. */
static int drain(struct conn *c, int64_t from, int64_t to) {
    int completed = 0;
    for (;;) {
        ssize_t n = read(c->fd, c->in + c->in_len, RECV_SIZE - c->in_len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return completed;
            die("read");
        }
        if (n == 0) {
            fprintf(stderr, "connection %d: the server closed it\n", c->index);
            exit(1);
        }
        int64_t t = now_ns();
        c->in_len += (size_t) n;
        size_t off = 0;
        while (c->in_len - off >= (size_t) size) {
            if (c->next_reply >= c->next_send) {
                fprintf(stderr, "connection %d: a reply nobody sent\n", c->index);
                exit(1);
            }
            check(c, c->in + off, c->next_reply);
            int64_t intended = c->intended[c->next_reply % c->ring];
            if (intended >= from && intended < to) {
                record(t - intended);
            }
            c->next_reply++;
            completed++;
            off += (size_t) size;
        }
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
}

static int wait_until(struct epoll_event *events, int64_t deadline) {
    int64_t left = deadline - now_ns();
    if (left < 0) left = 0;
    if (have_pwait2) {
        struct timespec ts = { .tv_sec = left / 1000000000LL, .tv_nsec = left % 1000000000LL };
        long n = syscall(SYS_epoll_pwait2, epfd, events, MAX_EVENTS, &ts, NULL, 8);
        if (n >= 0) return (int) n;
        if (errno == EINTR) return 0;
        if (errno != ENOSYS) die("epoll_pwait2");
        have_pwait2 = 0; /* before Linux 5.11: milliseconds, rounded down (the loop then spins the rest) */
    }
    int n = epoll_wait(epfd, events, MAX_EVENTS, (int) (left / 1000000LL));
    if (n < 0 && errno != EINTR) die("epoll_wait");
    return n < 0 ? 0 : n;
}

int main(int argc, char **argv) {
    if (argc != 9 || (strcmp(argv[2], "closed") != 0 && strcmp(argv[2], "open") != 0)) {
        fprintf(stderr, "usage: %s <port> closed|open <connections> <size> <warmup-ms> <measure-ms> <rate/s> <histogram-file>\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int open_loop = strcmp(argv[2], "open") == 0;
    int n = atoi(argv[3]);
    size = atoi(argv[4]);
    int64_t warmup = atoll(argv[5]) * 1000000LL;
    int64_t measure = atoll(argv[6]) * 1000000LL;
    double rate = atof(argv[7]);
    if (n < 1 || size < 8 || size > RECV_SIZE || measure <= 0 || (open_loop && rate <= 0)) {
        fprintf(stderr, "bad arguments (connections >= 1, 8 <= size <= %d, measure > 0, rate > 0)\n", RECV_SIZE);
        return 2;
    }
    /* Wake-ups at the intended send times, not up to 50 us later (the default timer slack). */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    struct conn *conns = calloc((size_t) n, sizeof *conns);
    if (conns == NULL) die("calloc");
    /* Room for 2 s of messages at the offered rate per connection (or 1 in closed mode), at least 64. */
    uint64_t ring = open_loop ? (uint64_t) (rate / n * 2.0) + 64 : 64;
    for (int i = 0; i < n; i++) {
        struct conn *c = &conns[i];
        c->index = i;
        c->ring = ring;
        c->intended = calloc(ring, sizeof *c->intended);
        if (c->intended == NULL) die("calloc");
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c->fd < 0) die("socket");
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port),
                                    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        if (connect(c->fd, (struct sockaddr *) &addr, sizeof addr) < 0) die("connect");
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl");
    }

    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    struct epoll_event events[MAX_EVENTS];
    int64_t t0 = now_ns();
    int64_t from = t0 + warmup, to = from + measure;
    uint64_t in_window = 0, sent = 0, late = 0;
    int64_t max_lateness = 0;
    double interval = open_loop ? 1e9 / rate : 0; /* ns between two messages, over all connections */
    uint64_t k = 0;                                /* global message index of the open-loop schedule */

    if (!open_loop) {
        for (int i = 0; i < n; i++) {
            queue(&conns[i], now_ns());
            flush(&conns[i]);
        }
    }
    for (;;) {
        int64_t now = now_ns();
        int64_t deadline;
        if (open_loop) {
            /* Queue every message whose intended time has come (all of them, however late: open loop). */
            int64_t due;
            while ((due = t0 + (int64_t) (k * interval)) <= now && due < to) {
                struct conn *c = &conns[k % (uint64_t) n];
                queue(c, due);
                flush(c);
                sent++;
                int64_t lateness = now_ns() - due;
                if (lateness > 100000) late++;
                if (lateness > max_lateness) max_lateness = lateness;
                k++;
            }
            if (due >= to) {
                int owed = 0;
                for (int i = 0; i < n; i++) owed |= conns[i].next_reply != conns[i].next_send;
                if (!owed || now > to + DRAIN_NS) break;
                deadline = to + DRAIN_NS;
            } else {
                deadline = due;
            }
        } else {
            if (now >= to) break;
            deadline = to;
        }
        int ready = wait_until(events, deadline);
        for (int e = 0; e < ready; e++) {
            struct conn *c = events[e].data.ptr;
            if (events[e].events & EPOLLOUT) flush(c);
            if (events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                int done = drain(c, from, to);
                if (!open_loop && done > 0) {
                    int64_t t = now_ns();
                    if (t >= from && t < to) in_window += (uint64_t) done;
                    queue(c, t);
                    flush(c);
                    sent++;
                }
            }
        }
    }
    getrusage(RUSAGE_SELF, &ru1);
    /* Replies still owed after the drain period count at the latency they have reached (a lower bound). */
    uint64_t owed = 0;
    int64_t end = now_ns();
    for (int i = 0; i < n && open_loop; i++) {
        struct conn *c = &conns[i];
        for (uint64_t s = c->next_reply; s < c->next_send; s++) {
            int64_t intended = c->intended[s % c->ring];
            if (intended >= from && intended < to) record(end - intended);
            owed++;
        }
    }

    FILE *h = fopen(argv[8], "w");
    if (h == NULL) die(argv[8]);
    for (int i = 0; i < BUCKETS; i++) {
        if (hist[i] == 0) continue;
        int64_t lower, width;
        if (i < SUB) {
            lower = i;
            width = 1;
        } else {
            int e = i / SUB + SUB_BITS - 1;
            lower = (int64_t) (SUB + i % SUB) << (e - SUB_BITS);
            width = (int64_t) 1 << (e - SUB_BITS);
        }
        fprintf(h, "%lld\t%lld\t%llu\n", (long long) lower, (long long) width, (unsigned long long) hist[i]);
    }
    if (fclose(h) != 0) die(argv[8]);
    long cpu_us = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec) * 1000000L + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec)
                + (ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000L + (ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec);
    printf("MODE %s\nCONNECTIONS %d\nSIZE %d\nMEASURE_NS %lld\n", open_loop ? "open" : "closed", n, size, (long long) measure);
    printf("OFFERED_PER_S %.1f\n", open_loop ? rate : 0.0);
    printf("ROUND_TRIPS %llu\n", (unsigned long long) (open_loop ? hist_count : in_window));
    printf("PER_S %.1f\n", (open_loop ? hist_count : in_window) * 1e9 / (double) measure);
    printf("RECORDED %llu\nMIN_NS %lld\nMAX_NS %lld\n", (unsigned long long) hist_count,
           (long long) (hist_count ? hist_min : 0), (long long) hist_max);
    printf("SENT %llu\nUNANSWERED %llu\nLATE_SENDS %llu\nMAX_SEND_LATENESS_NS %lld\n", (unsigned long long) sent,
           (unsigned long long) (open_loop ? owed : 0), (unsigned long long) late, (long long) max_lateness);
    printf("CLIENT_CPU_US %ld\nPWAIT2 %d\n", cpu_us, have_pwait2);
    return 0;
}
