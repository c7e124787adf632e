package io.walden.ops.daemon;

import io.walden.error.UsageException;
import io.walden.error.WaldenException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonHttpTest {

    @Test
    void anAddressInUseSaysSoAndWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            assertThatThrownBy(() -> DaemonHttp.start(address, new DaemonState(null, null, Clock.systemUTC())))
                    .isInstanceOf(WaldenException.class).hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .satisfies(e -> assertThat(((WaldenException) e).hint()).contains("--http"));
        }
    }

    @Test
    void aBadAddressIsAUsageError() {
        assertThatThrownBy(() -> DaemonHttp.address("9187")).isInstanceOf(UsageException.class).hasMessageContaining("'9187' is not an address");
        assertThatThrownBy(() -> DaemonHttp.address("127.0.0.1:99999")).isInstanceOf(UsageException.class).hasMessageContaining("no valid port");
        assertThat(DaemonHttp.address("[::1]:9187").getPort()).isEqualTo(9187);
    }
}
