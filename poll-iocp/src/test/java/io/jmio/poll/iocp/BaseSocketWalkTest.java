package io.jmio.poll.iocp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jmio.poll.SyscallException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The base-socket lookup under layered service providers, with scripted {@code WSAIoctl} answers: as
 * wide as mio's ({@code SIO_BSP_HANDLE_SELECT}, {@code _POLL}, {@code SIO_BSP_HANDLE}, only a different
 * socket accepted) and walking down the chain as wepoll's {@code ws_get_base_socket}.
 */
class BaseSocketWalkTest {
    private static final int WSAEINVAL = 10022;

    /** Answers by {@code socket << 32 | code}; anything else fails with {@code error}. */
    private static final class Script implements IocpNative.HandleQuery {
        final Map<Long, Long> answers = new HashMap<>();
        final Map<Long, Integer> errors = new HashMap<>();
        int last;

        Script answer(long socket, int code, long handle) {
            answers.put(socket << 32 | (code & 0xFFFFFFFFL), handle);
            return this;
        }

        Script fail(long socket, int error) {
            errors.put(socket, error);
            return this;
        }

        @Override
        public long query(long socket, int code) {
            Long h = answers.get(socket << 32 | (code & 0xFFFFFFFFL));
            if (h == null) {
                last = errors.getOrDefault(socket, WSAEINVAL);
                return IocpNative.INVALID_HANDLE_VALUE;
            }
            return h;
        }

        @Override
        public int lastError() {
            return last;
        }
    }

    @Test
    void theBaseHandleWhenTheProviderAnswers() throws IOException {
        assertEquals(7, IocpNative.baseSocket(100, new Script().answer(100, IocpNative.SIO_BASE_HANDLE, 7)));
    }

    @Test
    void theSelectQueryWhenOnlyItAnswersAsMioTriesIt() throws IOException {
        Script s = new Script().answer(100, IocpNative.SIO_BSP_HANDLE_SELECT, 200)
                .answer(200, IocpNative.SIO_BASE_HANDLE, 300);
        assertEquals(300, IocpNative.baseSocket(100, s));
    }

    @Test
    void aProviderNamingTheSameSocketIsPassedOver() throws IOException {
        Script s = new Script().answer(100, IocpNative.SIO_BSP_HANDLE_SELECT, 100)
                .answer(100, IocpNative.SIO_BSP_HANDLE_POLL, 100).answer(100, IocpNative.SIO_BSP_HANDLE, 150)
                .answer(150, IocpNative.SIO_BASE_HANDLE, 160);
        assertEquals(160, IocpNative.baseSocket(100, s));
    }

    @Test
    void theWalkGoesDownSeveralProvidersAndStopsAtNotASocket() throws IOException {
        Script s = new Script().answer(100, IocpNative.SIO_BSP_HANDLE_POLL, 200)
                .answer(200, IocpNative.SIO_BSP_HANDLE_POLL, 300).fail(300, IocpNative.WSAENOTSOCK);
        assertEquals(300, IocpNative.baseSocket(100, s), "wepoll: WSAENOTSOCK below a provider ends the chain");
    }

    @Test
    void failsWithTheFirstErrorWhenNothingAnswers() {
        SyscallException e = assertThrows(SyscallException.class, () -> IocpNative.baseSocket(100, new Script()));
        assertEquals(WSAEINVAL, e.errno());
    }
}
