/**
 * walden blame: which transactions destroyed or emptied a table. Reads archived WAL from a backup on,
 * names relation files through the catalog the backup recorded, follows tables to the new files TRUNCATE,
 * VACUUM FULL and CLUSTER give them, and ranks committed transactions by the rows they took away.
 */
package io.walden.ops.blame;
