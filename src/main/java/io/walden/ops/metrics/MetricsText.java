package io.walden.ops.metrics;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Builds a Prometheus text exposition (format 0.0.4): each family's HELP and TYPE once, then its samples. */
public final class MetricsText {
    private final StringBuilder out = new StringBuilder();
    private final Set<String> declared = new HashSet<>();

    public MetricsText gauge(String name, String help, double value) {
        return sample(name, "gauge", help, Map.of(), value);
    }

    public MetricsText gauge(String name, String help, Map<String, String> labels, double value) {
        return sample(name, "gauge", help, labels, value);
    }

    public MetricsText counter(String name, String help, Map<String, String> labels, double value) {
        return sample(name, "counter", help, labels, value);
    }

    /** Declares a family with no sample yet, so a scrape shows it exists even when nothing is known. */
    public MetricsText declare(String name, String type, String help) {
        if (declared.add(name)) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                    .append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }
        return this;
    }

    private MetricsText sample(String name, String type, String help, Map<String, String> labels, double value) {
        declare(name, type, help);
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            String sep = "";
            for (var e : labels.entrySet()) {
                out.append(sep).append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
                sep = ",";
            }
            out.append('}');
        }
        return this.value(value);
    }

    private MetricsText value(double v) {
        out.append(' ').append(format(v)).append('\n');
        return this;
    }

    /** Labels in the order given: "job", "backup", "kind", "drill". */
    public static Map<String, String> labels(String... namesAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
