package io.walden.ops.blame;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one transaction did to one table.
 *
 * @param table       "schema.name", or "file base/DB/REL" for a file no catalog names
 * @param rows        rows deleted or updated; for DROP and TRUNCATE the rows the table held, an estimate
 * @param estimated   whether {@code rows} is an estimate (the planner's row count plus what WAL showed since)
 * @param tableOid    the table's OID, 0 when not known
 */
public record Effect(Kind kind, String database, String table, long tableOid, long rows, boolean estimated,
                     Attribution attribution) {

    public enum Kind {
        DROP("DROP TABLE"), TRUNCATE("TRUNCATE"), DELETE("DELETE"), UPDATE("UPDATE");

        private final String command;

        Kind(String command) {
            this.command = command;
        }

        public String command() {
            return command;
        }
    }

    /** "DROP TABLE public.orders (about 15000 rows)", "DELETE 3 rows from public.orders". */
    @JsonProperty("description")
    public String describe() {
        String count = (estimated ? "about " : "") + rows + (rows == 1 ? " row" : " rows");
        return switch (kind) {
            case DROP, TRUNCATE -> kind.command() + " " + table + " (" + count + ")";
            case DELETE -> "DELETE " + count + " from " + table;
            case UPDATE -> "UPDATE " + count + " of " + table;
        };
    }
}
