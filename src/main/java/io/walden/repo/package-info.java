/**
 * The repository format: the identity file, backup manifests, where objects live, and the catalog of
 * backups and archived WAL read from them.
 */
package io.walden.repo;
