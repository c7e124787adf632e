package io.walden.ops.preview;

import io.walden.error.WaldenException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;

/** The TCP port of a preview: the one asked for when it is free and not the production server's, else one the OS gives. */
final class ScratchPort {
    private ScratchPort() {
    }

    static int choose(OptionalInt asked, int productionPort) {
        if (asked.isEmpty()) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        int port = asked.getAsInt();
        if (port < 1 || port > 65535) {
            throw new WaldenException("--port " + port + " is not a TCP port", "give a port from 1 to 65535, or leave --port out");
        }
        if (port == productionPort) {
            throw new WaldenException("port " + port + " is the production server's port; a preview never takes it",
                    "leave --port out to get a free port, or give another one");
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return port;
        } catch (IOException e) {
            throw new WaldenException("port " + port + " is in use on 127.0.0.1",
                    "leave --port out to get a free port, or give another one");
        }
    }
}
