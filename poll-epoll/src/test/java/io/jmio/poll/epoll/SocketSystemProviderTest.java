package io.jmio.poll.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmio.poll.posix.PosixSockets;
import io.jmio.poll.spi.SocketSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** This module supplies Linux's sockets to the network types, through the SPI and its service file. */
@EnabledOnOs(OS.LINUX)
class SocketSystemProviderTest {
    @Test
    void linuxGetsThePosixSocketsThroughThisModulesProvider() {
        assertTrue(new LinuxSocketsProvider().supportsCurrentOs());
        assertEquals(PosixSockets.class, SocketSystem.current().getClass());
        assertTrue(SocketSystem.current().handlesAreFileDescriptors());
    }
}
