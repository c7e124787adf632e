package io.walden.ops.daemon;

import io.walden.ops.metrics.MetricsText;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTextTest {

    @Test
    void declaresEachFamilyOnceAndEscapesLabelValues() {
        String text = new MetricsText()
                .gauge("walden_x", "An x.", MetricsText.labels("schedule", "a \"quoted\" name", "job", "backup"), 1)
                .gauge("walden_x", "ignored the second time", MetricsText.labels("schedule", "back\\slash", "job", "verify"), 2.5)
                .declare("walden_empty", "gauge", "Nothing known yet.")
                .toString();
        assertThat(text).isEqualTo("""
                # HELP walden_x An x.
                # TYPE walden_x gauge
                walden_x{schedule="a \\"quoted\\" name",job="backup"} 1
                walden_x{schedule="back\\\\slash",job="verify"} 2.500
                # HELP walden_empty Nothing known yet.
                # TYPE walden_empty gauge
                """);
    }
}
