package io.walden.ops.drill;

import io.walden.restore.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Renders a drill report for people: Markdown for the incident ticket, HTML with a timeline of the phases. */
public final class ReportRenderer {
    private static final int WIDTH = 720;

    private ReportRenderer() {
    }

    public static String markdown(DrillReport r) {
        StringBuilder b = new StringBuilder();
        b.append("# walden drill ").append(r.id()).append(": ").append(r.passed() ? "PASSED" : "FAILED").append("\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "repository", r.repository());
        row(b, "started", Times.format(r.started()));
        row(b, "finished", Times.format(r.finished()));
        row(b, "target", r.target());
        row(b, "backup", r.backup() + " (ended " + time(r.backupEnd()) + ")");
        row(b, "WAL replayed", r.walFrom() + " to " + (r.walTo() == null ? "(not replayed)" : r.walTo()));
        row(b, "recovered to", time(r.recoveredTo()));
        row(b, "last archived commit", time(r.lastArchived()));
        row(b, "RPO", seconds(r.rpoSeconds()) + " (committed work the restore did not bring back)");
        row(b, "RTO", seconds(r.rtoSeconds()) + " (from the start to the scratch server accepting connections)");
        if (r.kept() != null) {
            row(b, "kept", "`psql \"" + r.kept().connection() + "\"` in " + r.kept().dir() + "; remove with `" + r.kept().stopCommand() + "`");
        }
        b.append("\n## Timeline\n\n| phase | start | duration |\n|---|---|---|\n");
        for (DrillReport.Phase p : r.phases()) {
            b.append("| ").append(p.name()).append(" | ").append(Times.format(p.start())).append(" | ")
                    .append(seconds(p.duration().toMillis() / 1000.0)).append(" |\n");
        }
        b.append("\n## Checks\n\n| check | result | summary |\n|---|---|---|\n");
        for (CheckResult c : r.checks()) {
            b.append("| ").append(cell(c.name())).append(" | ").append(c.status()).append(" | ").append(cell(c.summary())).append(" |\n");
        }
        for (CheckResult c : r.checks()) {
            if (c.details().isEmpty()) {
                continue;
            }
            b.append("\n### ").append(c.name()).append(" (").append(c.status()).append(")\n\n");
            for (String d : c.details()) {
                b.append("- ").append(d).append('\n');
            }
        }
        if (!r.passed()) {
            b.append("\n**Failed:** ").append(String.join(", ", r.failedChecks().stream().map(CheckResult::name).toList())).append('\n');
        }
        return b.toString();
    }

    public static String html(DrillReport r) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>walden drill ")
                .append(esc(r.id())).append("</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                        + "td,th{padding:.2em .6em;text-align:left;vertical-align:top}.PASS{color:#080}.FAIL{color:#c00}"
                        + ".WARN{color:#a60}.SKIPPED{color:#777}</style></head><body>\n");
        b.append("<h1>walden drill ").append(esc(r.id())).append(": <span class=\"").append(r.passed() ? "PASS" : "FAIL").append("\">")
                .append(r.passed() ? "PASSED" : "FAILED").append("</span></h1>\n<table>\n");
        hrow(b, "backup", r.backup() + " (ended " + time(r.backupEnd()) + ")");
        hrow(b, "target", r.target());
        hrow(b, "WAL replayed", r.walFrom() + " to " + (r.walTo() == null ? "(not replayed)" : r.walTo()));
        hrow(b, "RPO", seconds(r.rpoSeconds()));
        hrow(b, "RTO", seconds(r.rtoSeconds()));
        b.append("</table>\n<h2>Timeline</h2>\n").append(timeline(r)).append("\n<h2>Checks</h2>\n<table>\n");
        for (CheckResult c : r.checks()) {
            b.append("<tr><td>").append(esc(c.name())).append("</td><td class=\"").append(c.status()).append("\">").append(c.status())
                    .append("</td><td>").append(esc(c.summary()));
            if (!c.details().isEmpty()) {
                b.append("<details><summary>details</summary><ul>");
                c.details().forEach(d -> b.append("<li>").append(esc(d)).append("</li>"));
                b.append("</ul></details>");
            }
            b.append("</td></tr>\n");
        }
        return b.append("</table>\n</body></html>\n").toString();
    }

    /** One bar per phase on a common time axis, and the RTO mark where the server first took a connection. */
    static String timeline(DrillReport r) {
        List<DrillReport.Phase> phases = r.phases();
        if (phases.isEmpty()) {
            return "<p>no phases recorded</p>";
        }
        Instant start = r.started();
        double total = Math.max(1, Duration.between(start, r.finished()).toMillis());
        int label = 170;
        double scale = (WIDTH - label - 10) / total;
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + WIDTH + "\" height=\""
                + (phases.size() * 24 + 30) + "\" font-size=\"12\">");
        int y = 4;
        for (DrillReport.Phase p : phases) {
            double x = label + Duration.between(start, p.start()).toMillis() * scale;
            double w = Math.max(1, p.duration().toMillis() * scale);
            svg.append(String.format(java.util.Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"#4a7bd0\"/>"
                            + "<text x=\"%.1f\" y=\"%d\">%s</text>", y + 12, esc(p.name()), x, y, w, x + w + 4, y + 12,
                    seconds(p.duration().toMillis() / 1000.0)));
            y += 24;
        }
        if (r.rtoSeconds() != null) {
            double x = label + r.rtoSeconds() * 1000 * scale;
            svg.append(String.format(java.util.Locale.ROOT, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" fill=\"#c00\">RTO %s</text>", x, x, y, x + 3, y + 14, seconds(r.rtoSeconds())));
        }
        return svg.append("</svg>").toString();
    }

    static String seconds(Double s) {
        if (s == null) {
            return "unknown";
        }
        return s < 120 ? String.format(java.util.Locale.ROOT, "%.1f s", s)
                : String.format(java.util.Locale.ROOT, "%d min %d s", (long) (s / 60), Math.round(s % 60));
    }

    private static String time(Instant t) {
        return t == null ? "unknown" : Times.format(t);
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n");
    }

    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    private static void hrow(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
