/*
 * c_echo_server.c: the C baseline of jmio's echo benchmark.
 *
 * One thread, one epoll instance, one loopback TCP listener; every accepted connection gets its
 * bytes back. Two trigger modes, the same state machine as the Java servers in this module:
 *
 *   edge   EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, registered once. On any event: finish a
 *          pending write, then read and echo until read() says EAGAIN (or a write would block).
 *   level  EPOLLIN | EPOLLRDHUP. On readable: one read(), echo it. A write that would block
 *          switches the interest to EPOLLOUT until the pending bytes are gone.
 *
 * Usage: c_echo_server edge|level <counters-file>
 *   Prints "PORT <n>" on stdout once listening on 127.0.0.1 (an ephemeral port), then serves
 *   until SIGTERM. The counters file (created, 64 bytes) is mapped shared and holds five native
 *   64-bit counters the benchmark reads while the server runs:
 *   [0] epoll_wait calls  [1] read calls  [2] write calls  [3] epoll_ctl calls  [4] accepts
 *
 * Written for the jmio benchmarks; compiled with `gcc -O2` when the benchmark starts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER_SIZE (64 * 1024)
#define MAX_EVENTS 1024
#define LISTENER_TOKEN UINT64_MAX

enum { WAITS, READS, WRITES, CTLS, ACCEPTS, COUNTERS };

struct conn {
    int fd;
    int writing; /* level mode: registered for EPOLLOUT instead of EPOLLIN */
    size_t start, end; /* pending bytes are buf[start, end) */
    char buf[BUFFER_SIZE];
};

static volatile uint64_t *counters;
static volatile sig_atomic_t stop;
static int edge;
static int epfd;

static void on_term(int sig) { (void) sig; stop = 1; }

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void ctl(int op, struct conn *c, uint32_t events) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.ptr = c;
    counters[CTLS]++;
    if (epoll_ctl(epfd, op, c->fd, &ev) < 0) die("epoll_ctl");
}

static void drop(struct conn *c) {
    counters[CTLS]++;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

/* Writes buf[start, end). Returns 1 when everything is out, 0 on EAGAIN, -1 on error. */
static int flush(struct conn *c) {
    while (c->start < c->end) {
        counters[WRITES]++;
        ssize_t n = write(c->fd, c->buf + c->start, c->end - c->start);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return 0;
            return -1;
        }
        c->start += (size_t) n;
    }
    return 1;
}

/* Reads once into the empty buffer. Returns bytes read, 0 on EAGAIN, -1 on EOF or error. */
static ssize_t fill(struct conn *c) {
    counters[READS]++;
    ssize_t n = read(c->fd, c->buf, BUFFER_SIZE);
    if (n < 0) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    if (n == 0) return -1;
    c->start = 0;
    c->end = (size_t) n;
    return n;
}

static void on_edge(struct conn *c) {
    int w = flush(c);
    if (w < 0) { drop(c); return; }
    if (w == 0) return; /* the next EPOLLOUT edge continues */
    for (;;) {
        ssize_t n = fill(c);
        if (n < 0) { drop(c); return; }
        if (n == 0) return; /* drained: wait for the next edge */
        w = flush(c);
        if (w < 0) { drop(c); return; }
        if (w == 0) return;
    }
}

static void on_level(struct conn *c, uint32_t events) {
    if (c->writing) {
        int w = flush(c);
        if (w < 0) { drop(c); return; }
        if (w == 1) {
            c->writing = 0;
            ctl(EPOLL_CTL_MOD, c, EPOLLIN | EPOLLRDHUP);
        }
        return;
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
    ssize_t n = fill(c);
    if (n < 0) { drop(c); return; }
    if (n == 0) return;
    int w = flush(c);
    if (w < 0) { drop(c); return; }
    if (w == 0) {
        c->writing = 1;
        ctl(EPOLL_CTL_MOD, c, EPOLLOUT);
    }
}

static void on_accept(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return;
            die("accept4");
        }
        counters[ACCEPTS]++;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (c == NULL) die("calloc");
        c->fd = fd;
        ctl(EPOLL_CTL_ADD, c, edge ? (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET) : (EPOLLIN | EPOLLRDHUP));
    }
}

int main(int argc, char **argv) {
    if (argc != 3 || (strcmp(argv[1], "edge") != 0 && strcmp(argv[1], "level") != 0)) {
        fprintf(stderr, "usage: %s edge|level <counters-file>\n", argv[0]);
        return 2;
    }
    edge = strcmp(argv[1], "edge") == 0;

    int cfd = open(argv[2], O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (cfd < 0 || ftruncate(cfd, 64) < 0) die(argv[2]);
    counters = mmap(NULL, 64, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
    if (counters == MAP_FAILED) die("mmap");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(listener, 1024) < 0) die("listen");
    socklen_t len = sizeof addr;
    if (getsockname(listener, (struct sockaddr *) &addr, &len) < 0) die("getsockname");

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    struct epoll_event lev;
    memset(&lev, 0, sizeof lev);
    lev.events = EPOLLIN;
    lev.data.u64 = LISTENER_TOKEN;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &lev) < 0) die("epoll_ctl(listener)");

    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    while (!stop) {
        counters[WAITS]++;
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 == LISTENER_TOKEN) {
                on_accept(listener);
            } else if (edge) {
                on_edge(events[i].data.ptr);
            } else {
                on_level(events[i].data.ptr, events[i].events);
            }
        }
    }
    return 0;
}
