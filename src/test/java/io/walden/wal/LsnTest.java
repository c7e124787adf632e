package io.walden.wal;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LsnTest {

    @Test
    void parsesAndFormatsLikePostgres() {
        Lsn lsn = Lsn.parse("16/B374D848");
        assertThat(lsn.value()).isEqualTo(0x16_B374_D848L);
        assertThat(lsn.toString()).isEqualTo("16/B374D848");

        assertThat(Lsn.parse("0/0")).isEqualTo(Lsn.ZERO);
        assertThat(Lsn.ZERO.toString()).isEqualTo("0/0");
        assertThat(Lsn.parse("0/3000148").value()).isEqualTo(0x3000148L);
        assertThat(Lsn.parse("16/b374d848")).isEqualTo(lsn);
        assertThat(Lsn.parse(" 0/3000148 ").toString()).isEqualTo("0/3000148");
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").value()).isEqualTo(-1L);
        assertThat(new Lsn(-1L).toString()).isEqualTo("FFFFFFFF/FFFFFFFF");
        assertThat(new Lsn(0x1_0000_0000L).toString()).isEqualTo("1/0");
        assertThat(Lsn.parse("00000001/00000000")).isEqualTo(new Lsn(0x1_0000_0000L));
    }

    @Test
    void comparesUnsigned() {
        Lsn a = Lsn.parse("0/FFFFFFFF");
        Lsn b = Lsn.parse("1/0");
        Lsn top = Lsn.parse("FFFFFFFF/FFFFFFFF");
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(top);
        assertThat(Lsn.ZERO).isLessThan(a);
        assertThat(a.isBefore(b)).isTrue();
        assertThat(b.isAfter(a)).isTrue();
        assertThat(a.isAfter(a)).isFalse();
        assertThat(a.isBefore(a)).isFalse();
        assertThat(a.compareTo(Lsn.parse("0/ffffffff"))).isZero();
        assertThat(top.isAfter(Lsn.parse("7FFFFFFF/FFFFFFFF"))).isTrue();
        List<Lsn> list = new ArrayList<>(List.of(top, b, Lsn.ZERO, a));
        Collections.sort(list);
        assertThat(list).containsExactly(Lsn.ZERO, a, b, top);
        assertThat(a.plus(1)).isEqualTo(b);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "16", "16B374D848", "/1", "1/", "/", "G/0", "0/G", "123456789/0", "0/123456789",
            "1/2/3", "0x1/0", "1 /0", "abc"})
    void refusesWhatIsNotALocation(String text) {
        assertThatThrownBy(() -> Lsn.parse(text))
                .isInstanceOf(UsageException.class)
                .hasMessage("'" + text + "' is not a WAL location")
                .satisfies(t -> assertThat(((UsageException) t).hint())
                        .isEqualTo("write it as PostgreSQL prints it, e.g. 0/3000148 (see pg_current_wal_lsn())"))
                .satisfies(t -> assertThat(((UsageException) t).exitCode()).isEqualTo(2));
    }
    @ParameterizedTest
    @ValueSource(strings = {"0/-1", "-1/0", "+1/0", "0/+3000148"})
    void refusesSignedHalves(String text) {
        assertThatThrownBy(() -> Lsn.parse(text))
                .isInstanceOf(UsageException.class)
                .hasMessage("'" + text + "' is not a WAL location");
    }
}
