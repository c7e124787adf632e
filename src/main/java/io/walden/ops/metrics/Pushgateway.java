package io.walden.ops.metrics;

import io.walden.error.UsageException;
import io.walden.error.WaldenException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Pushes metrics to a Prometheus Pushgateway for setups that do not scrape (cron jobs, short-lived pods). A PUT
 * replaces the whole group {job, instance}, so a metric walden no longer has does not linger there.
 */
public final class Pushgateway {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Pushgateway() {
    }

    /** The group's address: label values go base64url-encoded, so any character (a '/' in a host name) is safe. */
    public static URI groupUri(String gateway, String job, String instance) {
        URI base;
        try {
            base = URI.create(gateway.strip());
        } catch (IllegalArgumentException e) {
            base = null;
        }
        if (base == null || base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw new UsageException("'" + gateway + "' is not a Pushgateway address", "write e.g. http://pushgateway:9091");
        }
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + "/metrics/job@base64/" + encode(job) + "/instance@base64/" + encode(instance));
    }

    private static String encode(String value) {
        // the Pushgateway reads "=" as the encoding of an empty value
        return value.isEmpty() ? "=" : Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    public static void push(URI group, String text) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(group).timeout(TIMEOUT)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new WaldenException("the Pushgateway at " + group.getHost() + ":" + group.getPort() + " did not answer: "
                    + e.getMessage(), "check --push and that the Pushgateway runs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WaldenException("interrupted while pushing metrics", null);
        }
        if (response.statusCode() / 100 != 2) {
            String body = response.body() == null ? "" : response.body().strip();
            throw new WaldenException("the Pushgateway refused the metrics (HTTP " + response.statusCode() + ")"
                    + (body.isEmpty() ? "" : ": " + body.lines().findFirst().orElse("")), "check --push: it is the gateway's base address");
        }
    }
}
