package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes: every manifest passes the schema check (deploy/kubernetes/check, on the Kubernetes API
 * schemas of the kubernetes-models package), the check really rejects broken manifests, and the init script
 * the StatefulSet runs on a new cluster gives the walden role what a base backup needs, on a real server.
 */
class KubernetesManifestsIT {
    private static final Path DEPLOY = ScriptRun.project().resolve("deploy/kubernetes");

    @BeforeAll
    static void nodeIsInstalled() {
        boolean node;
        try {
            node = ScriptRun.run(List.of("node", "--version"), Map.of()).exit() == 0;
        } catch (RuntimeException e) {
            node = false;
        }
        Assumptions.assumeTrue(node, "node is not installed, so the manifests are not checked here: bin/test installs it"
                + " (apt-get install nodejs npm) and runs npm ci in deploy/kubernetes/check");
    }

    @Test
    void everyManifestIsValid() throws IOException {
        List<Path> manifests = manifests();
        assertThat(manifests).extracting(p -> DEPLOY.relativize(p).toString()).contains("statefulset.yaml", "services.yaml",
                "config.yaml", "jobs/backup-cronjob.yaml", "jobs/restore-job.yaml", "examples/secret.yaml");

        ScriptRun r = check(manifests);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("are valid");
    }

    @Test
    void rejectsATypoAWrongTypeAMissingRequiredFieldAndAnUnknownKind() throws IOException {
        Path dir = Files.createTempDirectory("walden-manifests");
        try {
            String statefulSet = Files.readString(DEPLOY.resolve("statefulset.yaml"));
            String broken = replaceOnce(statefulSet, "terminationGracePeriodSeconds: 120", "terminationGracePeriodSecond: 120");
            broken = replaceOnce(broken, "replicas: 1", "replicas: one");
            broken = replaceOnce(broken, "- name: walden-daemon\n          image:", "- image:");
            Path brokenSet = Files.writeString(dir.resolve("statefulset.yaml"), broken);
            String cronJob = Files.readString(DEPLOY.resolve("jobs/backup-cronjob.yaml"));
            Path brokenCron = Files.writeString(dir.resolve("cronjob.yaml"), replaceOnce(cronJob, "kind: CronJob", "kind: CronJobs"));

            ScriptRun r = check(List.of(brokenSet, brokenCron));
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).contains(brokenSet + ": document 1 (StatefulSet walden-pg): spec.template.spec"
                            + ".terminationGracePeriodSecond: unknown field 'terminationGracePeriodSecond' (did you mean "
                            + "'terminationGracePeriodSeconds'?)")
                    .contains("spec.replicas must be integer")
                    .contains("spec.template.spec.containers[1] must have required property name")
                    .contains(brokenCron + ": document 1 (CronJobs walden-backup): unknown kind 'CronJobs' in apiVersion 'batch/v1'")
                    .contains("4 problem(s) in 2 file(s)");
        } finally {
            TestDirs.deleteTree(dir);
        }
    }

    @Test
    void theInitScriptGivesTheWaldenRoleWhatABackupNeeds() throws IOException {
        String script = configMapValue("walden-initdb", "10-walden.sh");
        try (Scenario s = new Scenario("k8s-initdb")) {
            Path file = Files.writeString(s.base.resolve("10-walden.sh"), script);
            // as the official image runs it: psql on PATH, the superuser's name, the password from the Secret
            ScriptRun r = ScriptRun.run(List.of("bash", file.toString()), Map.of(
                    "PATH", TestCluster.binaries().binDir() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                    "PGHOST", "127.0.0.1",
                    "PGPORT", Integer.toString(s.pg.port()),
                    "POSTGRES_USER", "postgres",
                    "WALDEN_PG_PASSWORD", "not-a-real-password"));
            assertThat(r.exit()).as(r.toString()).isZero();
            String auto = Files.readString(s.pg.pgdata().resolve("postgresql.auto.conf"));
            assertThat(auto).contains("archive_mode = 'on'", "archive_command = '/usr/local/bin/walden wal-push %p'",
                    "wal_level = 'replica'", "max_wal_senders = '10'");
            assertThat(s.pg.queryString("SELECT rolreplication::text FROM pg_roles WHERE rolname = 'walden'")).isEqualTo("true");
            // this cluster keeps archiving with its own command, not the image's
            s.pg.sql("ALTER SYSTEM RESET ALL");

            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 100)");
            Cli.Result backup = s.cli.with("PGUSER", "walden").run("backup", "--pgdata", s.pg.pgdata().toString());
            assertThat(backup.exit()).as(backup.toString()).isZero();
            assertThat(backup.out()).contains(" complete (full)");
        }

        ScriptRun noPassword = ScriptRun.run(List.of("bash", "-c", script), Map.of());
        assertThat(noPassword.exit()).isEqualTo(1);
        assertThat(noPassword.err()).contains("WALDEN_PG_PASSWORD is not set", "HINT: add WALDEN_PG_PASSWORD to the Secret");
    }

    private static List<Path> manifests() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("", "jobs", "examples")) {
            try (Stream<Path> files = Files.list(DEPLOY.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(all::add);
            }
        }
        return all;
    }

    private static ScriptRun check(List<Path> manifests) {
        List<String> command = new ArrayList<>(List.of("node", DEPLOY.resolve("check/check.mjs").toString()));
        manifests.forEach(p -> command.add(p.toString()));
        return ScriptRun.run(command, Map.of());
    }

    private static String replaceOnce(String text, String from, String to) {
        assertThat(text).as("the manifest still has '%s'", from).contains(from);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    private static String configMapValue(String name, String key) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(DEPLOY.resolve("config.yaml").toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc.path("kind").asText().equals("ConfigMap") && doc.path("metadata").path("name").asText().equals(name)) {
                    return doc.path("data").path(key).asText();
                }
            }
        }
        throw new AssertionError("config.yaml has no ConfigMap " + name);
    }
}
