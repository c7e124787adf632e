/**
 * Base backups: the server's backup start/stop calls, the scan of PGDATA, the plan of data objects and
 * the parallel read, compress and store pipeline. The manifest is written last.
 */
package io.walden.backup;
