package io.walden.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The window status reports is the window a real PITR can reach: 1 s inside succeeds, 1 s beyond is refused. */
class StatusIT {

    @Test
    void theReportedWindowIsWhatARestoreCanReach() throws Exception {
        try (Scenario s = new Scenario("status")) {
            s.pg.appendConf("autovacuum = off"); // its ANALYZE commits would move the last commit
            s.pg.sql("CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 10)");
            s.backup();
            Scenario.pause(2500);
            s.pg.sql("INSERT INTO t SELECT generate_series(11, 15)");
            s.switchWalAndWaitArchived();

            JsonNode status = new ObjectMapper().findAndRegisterModules().readTree(s.ok("status", "--json").out());
            Instant to = Instant.parse(status.path("window").path("to").asText());
            Instant from = Instant.parse(status.path("window").path("from").asText());
            assertThat(to).isAfter(from.plusSeconds(2));
            assertThat(status.path("lastArchivedCommit").asText()).isEqualTo(status.path("window").path("to").asText());
            assertThat(status.path("timelines").get(0).path("gaps").size()).isZero();

            String pgdata = s.pg.pgdata().toString();
            Cli.Result beyond = s.cli.run("restore", "--pgdata", pgdata, "--target-time", to.plusSeconds(1).toString());
            assertThat(beyond.exit()).as(beyond.toString()).isEqualTo(1);
            assertThat(beyond.err()).contains("is outside the recoverable window");
            assertThat(s.count("t")).isEqualTo(15);

            s.restore("--target-time", to.minusSeconds(1).toString());
            assertThat(s.count("t")).as("the last commit lies after the target").isEqualTo(10);
        }
    }
}
