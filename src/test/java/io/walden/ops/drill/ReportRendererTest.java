package io.walden.ops.drill;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportRendererTest {
    private static final Instant T0 = Instant.parse("2026-02-13T14:00:00Z");

    @Test
    void markdownNamesTheBackupTimingsAndEveryCheckWithItsEvidence() {
        String md = ReportRenderer.markdown(report(CheckResult.fail("orders kept", "expected 150, got 149",
                List.of("sql: SELECT count(*) FROM orders", "actual: 149"))));
        assertThat(md).startsWith("# walden drill 20260213T140000Z: FAILED")
                .contains("| backup | 20260213T135000F (ended 2026-02-13 13:50:00.000 UTC) |")
                .contains("| WAL replayed | 000000010000000000000002 (0/2000028) to 0/3000148 (segment 000000010000000000000003) |")
                .contains("| RPO | 2.5 s (committed work the restore did not bring back) |")
                .contains("| RTO | 12.0 s (from the start to the scratch server accepting connections) |")
                .contains("| restore and replay | 2026-02-13 14:00:01.000 UTC | 10.0 s |")
                .contains("| server starts | PASS | promoted |")
                .contains("| orders kept | FAIL | expected 150, got 149 |")
                .contains("### orders kept (FAIL)\n\n- sql: SELECT count(*) FROM orders\n- actual: 149")
                .endsWith("**Failed:** orders kept\n");
    }

    @Test
    void htmlEscapesAndDrawsOneBarPerPhaseAndTheRtoMark() {
        String html = ReportRenderer.html(report(CheckResult.pass("a <b>", "x & y", List.of())));
        assertThat(html).contains("a &lt;b&gt;").contains("x &amp; y").contains("PASSED").contains("<svg");
        assertThat(html.split("<rect", -1)).hasSize(3);
        assertThat(html).contains("RTO 12.0 s");
    }

    @Test
    void longDurationsReadInMinutes() {
        assertThat(ReportRenderer.seconds(125.0)).isEqualTo("2 min 5 s");
        assertThat(ReportRenderer.seconds(null)).isEqualTo("unknown");
    }

    private static DrillReport report(CheckResult extra) {
        return new DrillReport("20260213T140000Z", "/backups/main", T0, T0.plusSeconds(20), "latest", "20260213T135000F",
                T0.minusSeconds(600), "000000010000000000000002 (0/2000028)", "0/3000148 (segment 000000010000000000000003)",
                T0.minusSeconds(5), T0.minusMillis(2500), 2.5, 12.0,
                List.of(new DrillReport.Phase("plan", T0, T0.plusSeconds(1)),
                        new DrillReport.Phase("restore and replay", T0.plusSeconds(1), T0.plusSeconds(11))),
                List.of(CheckResult.pass("server starts", "promoted", List.of()), extra), null);
    }
}
