package io.walden.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Renders a page in Debian's Chromium without a screen and returns the DOM after its scripts ran. */
final class HeadlessChromium {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    static String dumpDom(String url, Path scratch) throws IOException, InterruptedException {
        assertThat(CHROMIUM).as("Chromium (bin/test installs Debian's chromium package)").exists();
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        Path stderr = scratch.resolve("chromium.err");
        // no background networking, sync or component updates: the browser must reach nothing but the page
        List<String> cmd = List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=1200,900", "--virtual-time-budget=8000", "--dump-dom", url);
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium exit\n%s", Files.readString(stderr)).isZero();
        return new String(dom, StandardCharsets.UTF_8);
    }
}
