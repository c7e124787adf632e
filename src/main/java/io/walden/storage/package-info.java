/**
 * Storage of repository objects: the {@link io.walden.storage.Storage} contract and its implementations.
 * Nothing above this package knows which one is used.
 */
package io.walden.storage;
