package io.walden.ops.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The status page: one self-contained HTML file (no external scripts or fonts), drawn in the browser from /api/overview. */
final class StatusPage {
    private static final String HTML = load();

    private StatusPage() {
    }

    static String html() {
        return HTML;
    }

    private static String load() {
        try (InputStream in = StatusPage.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
