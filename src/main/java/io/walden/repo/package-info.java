/**
 * The repository format: the identity file, backup manifests, where objects live, the catalog of backups
 * and archived WAL (with the decoded summaries in WAL object headers), and the write lock.
 */
package io.walden.repo;
