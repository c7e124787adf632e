/**
 * The object container: every object in a repository is a header (magic, version, compression, key
 * id, metadata), a compressed chunked body and a trailer with the plaintext length and SHA-256. Reading
 * an object back checks the trailer; nothing here knows where objects are stored.
 */
package io.walden.codec;
