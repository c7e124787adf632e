package io.walden.ops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectationTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void scalarsCompareByValue() throws Exception {
        assertThat(Expectation.compare(yaml("150"), rows(List.of("150"))).met()).isTrue();
        assertThat(Expectation.compare(yaml("150"), rows(List.of("150.00"))).met()).isTrue();
        assertThat(Expectation.compare(yaml("true"), rows(List.of("true"))).met()).isTrue();
        assertThat(Expectation.compare(yaml("alice"), rows(List.of("alice"))).met()).isTrue();
        assertThat(Expectation.compare(yaml("~"), rows(Arrays.asList((String) null))).met()).isTrue();
        Expectation.Verdict wrong = Expectation.compare(yaml("150"), rows(List.of("149")));
        assertThat(wrong).isEqualTo(new Expectation.Verdict(false, "149", "150"));
    }

    @Test
    void aScalarNeedsExactlyOneValue() throws Exception {
        Expectation.Verdict v = Expectation.compare(yaml("1"), rows(List.of("1"), List.of("2")));
        assertThat(v.met()).isFalse();
        assertThat(v.actual()).isEqualTo("[1, 2]");
        assertThat(Expectation.compare(yaml("1"), List.of()).actual()).isEqualTo("no rows");
    }

    @Test
    void rowsCompareInOrderCellByCell() throws Exception {
        JsonNode expect = yaml("[[1, alice], [7, bob]]");
        assertThat(Expectation.compare(expect, rows(List.of("1", "alice"), List.of("7", "bob"))).met()).isTrue();
        Expectation.Verdict v = Expectation.compare(expect, rows(List.of("1", "alice"), List.of("7", "carol")));
        assertThat(v.met()).isFalse();
        assertThat(v.actual()).isEqualTo("[[1, alice], [7, carol]]");
        assertThat(Expectation.compare(expect, rows(List.of("1", "alice"))).met()).isFalse();
        assertThat(Expectation.compare(yaml("[1, 2]"), rows(List.of("1"), List.of("2"))).met()).as("one-column rows as scalars").isTrue();
        assertThat(Expectation.compare(yaml("[]"), List.of()).met()).isTrue();
    }

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @SafeVarargs
    private static List<List<String>> rows(List<String>... rows) {
        return List.of(rows);
    }
}
