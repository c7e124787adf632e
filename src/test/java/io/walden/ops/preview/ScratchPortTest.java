package io.walden.ops.preview;

import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScratchPortTest {
    @Test
    void aFreePortIsChosenWhenNoneIsAskedFor() {
        assertThat(ScratchPort.choose(OptionalInt.empty(), 5432)).isBetween(1, 65535).isNotEqualTo(5432);
    }

    @Test
    void anAskedPortMustBeFreeAndNotTheProductionOne() throws Exception {
        assertThatThrownBy(() -> ScratchPort.choose(OptionalInt.of(5432), 5432)).isInstanceOf(WaldenException.class)
                .hasMessage("port 5432 is the production server's port; a preview never takes it");
        assertThatThrownBy(() -> ScratchPort.choose(OptionalInt.of(70000), 5432)).isInstanceOf(WaldenException.class)
                .hasMessage("--port 70000 is not a TCP port");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ScratchPort.choose(OptionalInt.of(port), 5432)).isInstanceOf(WaldenException.class)
                    .hasMessage("port " + port + " is in use on 127.0.0.1");
        }
    }
}
