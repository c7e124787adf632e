/**
 * Table restore: one table as it was at a recovery target, copied from a scratch instance into a live
 * database under a new name (or in place with --replace, in one transaction), with its indexes and
 * constraints, and its foreign keys to other tables recreated NOT VALID.
 */
package io.walden.ops.tablerestore;
