package io.walden.ops.drill;

import io.walden.error.UsageException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChecksFileTest {
    @Test
    void readsScalarAndRowExpectationsWithTheDefaultDatabase() {
        List<OperatorCheck> checks = ChecksFile.parse("checks.yaml", """
                # GameDay checks
                - name: orders kept
                  database: shop
                  sql: SELECT count(*) FROM orders
                  expect: 150
                - name: admins
                  sql: |
                    SELECT id, name FROM users
                    WHERE admin ORDER BY id
                  expect:
                    - [1, alice]
                    - [7, bob]
                """);
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).extracting(OperatorCheck::name, OperatorCheck::database, OperatorCheck::sql, OperatorCheck::line)
                .containsExactly("orders kept", "shop", "SELECT count(*) FROM orders", 2);
        assertThat(checks.get(0).expect().asInt()).isEqualTo(150);
        assertThat(checks.get(1).database()).isEqualTo("postgres");
        assertThat(checks.get(1).sql()).isEqualTo("SELECT id, name FROM users\nWHERE admin ORDER BY id");
        assertThat(checks.get(1).expect().size()).isEqualTo(2);
        assertThat(checks.get(1).line()).isEqualTo(6);
    }

    @Test
    void anEmptyFileHasNoChecks() {
        assertThat(ChecksFile.parse("checks.yaml", "")).isEmpty();
    }

    @Test
    void aMissingExpectNamesTheFileTheLineAndTheCheck() {
        assertThatThrownBy(() -> ChecksFile.parse("checks.yaml", "- name: one\n  sql: SELECT 1\n  expect: 1\n- name: two\n  sql: SELECT 2\n"))
                .isInstanceOf(UsageException.class).hasMessage("the checks file checks.yaml line 4: check 'two' has no expect");
    }

    @Test
    void brokenYamlGetsOneMessageWithTheLine() {
        assertThatThrownBy(() -> ChecksFile.parse("checks.yaml", "- name: one\n  sql: [SELECT 1\n  expect: 1\n"))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("the checks file checks.yaml line ")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void refusesAMappingAtTheTopUnknownKeysAndDuplicateNames() {
        assertThatThrownBy(() -> ChecksFile.parse("c.yaml", "name: one\nsql: SELECT 1\nexpect: 1\n"))
                .hasMessage("the checks file c.yaml line 1: the file must be a list of checks");
        assertThatThrownBy(() -> ChecksFile.parse("c.yaml", "- name: one\n  query: SELECT 1\n  expect: 1\n"))
                .hasMessage("the checks file c.yaml line 1: unknown key 'query' in a check");
        assertThatThrownBy(() -> ChecksFile.parse("c.yaml", "- {name: a, sql: SELECT 1, expect: 1}\n- {name: a, sql: SELECT 2, expect: 2}\n"))
                .hasMessage("the checks file c.yaml line 2: two checks are named 'a'");
        assertThatThrownBy(() -> ChecksFile.parse("c.yaml", "- sql: SELECT 1\n  expect: 1\n"))
                .hasMessage("the checks file c.yaml line 1: a check has no name");
    }
}
