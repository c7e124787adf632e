package io.walden.it;

import com.fasterxml.jackson.core.type.TypeReference;
import io.walden.repo.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads Prometheus text with the Prometheus project's own parser (the Python client's, from Debian's
 * python3-prometheus-client, which bin/test installs): what a real scraper accepts, not what this project thinks
 * the format is. A text it cannot parse fails the test.
 */
final class PromText {
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final String SCRIPT = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append({"name": s.name, "labels": s.labels, "value": s.value, "type": family.type})
            print(json.dumps(out))
            """;

    private PromText() {
    }

    static List<Sample> parse(String text) throws IOException, InterruptedException {
        Path python = Path.of("/usr/bin/python3");
        assertThat(python).as("python3 with prometheus_client (bin/test installs python3-prometheus-client)").exists();
        Process p = new ProcessBuilder(python.toString(), "-c", SCRIPT).redirectErrorStream(false).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("the Prometheus parser refused the text:\n%s\n%s", err, text).isZero();
        List<Map<String, Object>> raw = Json.mapper().readValue(out, new TypeReference<>() { });
        return raw.stream().map(m -> {
            @SuppressWarnings("unchecked")
            Map<String, String> labels = (Map<String, String>) m.get("labels");
            return new Sample((String) m.get("name"), labels, ((Number) m.get("value")).doubleValue());
        }).toList();
    }

    /** Samples keyed "name" or "name{a="x",b="y"}" (labels sorted). */
    static Map<String, Double> byKey(List<Sample> samples) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Sample s : samples) {
            StringBuilder key = new StringBuilder(s.name());
            if (!s.labels().isEmpty()) {
                key.append('{');
                String sep = "";
                for (var e : new TreeMap<>(s.labels()).entrySet()) {
                    key.append(sep).append(e.getKey()).append("=\"").append(e.getValue()).append('"');
                    sep = ",";
                }
                key.append('}');
            }
            out.put(key.toString(), s.value());
        }
        return out;
    }
}
