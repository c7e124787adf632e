package io.walden.repo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** walden.json, as Jackson writes it, read back without Jackson. */
class RepositoryIdentityTest {
    @Test
    void readsWhatJacksonWrites() throws Exception {
        RepositoryIdentity id = new RepositoryIdentity(1, "18446744073709551615", 15, 16 << 20, "zstd", "AES256_GCM_HKDF_1MB",
                Instant.parse("2026-02-13T14:30:00.123456789Z"));
        assertThat(RepositoryIdentity.parse(Json.mapper().writeValueAsString(id))).isEqualTo(id);
        assertThat(RepositoryIdentity.parse(Json.mapper().writerWithDefaultPrettyPrinter().without(
                com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(id))).isEqualTo(id);
    }

    @Test
    void unknownFieldsAreIgnoredAndMissingOnesAreEmpty() throws Exception {
        RepositoryIdentity id = RepositoryIdentity.parse("{ \"format\" : 1, \"future\" : \"x\\\"y\\u0041\", \"pgMajor\" : 16,"
                + " \"systemIdentifier\" : \"42\", \"flag\": true, \"nothing\": null }");
        assertThat(id.format()).isEqualTo(1);
        assertThat(id.pgMajor()).isEqualTo(16);
        assertThat(id.systemId()).isEqualTo(42);
        assertThat(id.encryption()).isEqualTo("none");
        assertThat(id.created()).isNull();
    }

    @Test
    void aDamagedFileIsAnError() {
        assertThatThrownBy(() -> RepositoryIdentity.parse("{\"format\": 1, \"pgMajor\": {\"nested\": 1}}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RepositoryIdentity.parse("{\"format\": 1")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RepositoryIdentity.parse("{\"format\": \"one\"}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> RepositoryIdentity.parse("")).isInstanceOf(IOException.class);
    }
}
