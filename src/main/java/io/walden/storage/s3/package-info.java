/**
 * The S3 storage backend: {@link io.walden.storage.s3.S3Storage} keeps the {@link io.walden.storage.Storage}
 * contract on AWS S3 or an S3-compatible server. This package owns the repository address
 * ({@link io.walden.storage.s3.S3Location}), the connection settings ({@link io.walden.storage.s3.S3Settings}),
 * buffered and multipart uploads, resumable downloads, and the translation of SDK failures into messages an
 * operator can act on. Credentials come only from the AWS default chain and are never printed.
 */
package io.walden.storage.s3;
