package io.walden.ops.drill;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One check from the operator's checks file: a query and the result it must give.
 *
 * @param expect a scalar (the query returns one value) or a list of rows (each a list of values, or a scalar
 *               for a one-column result)
 * @param line   where the check starts in the file, for messages
 */
public record OperatorCheck(String name, String database, String sql, JsonNode expect, int line) {}
