package io.walden.wal.decode;

/**
 * A data page a record changes (XLogRecordBlockHeader and what follows it): which relation file, fork and
 * block, and how many bytes of full-page image and of per-block data the record carries for it.
 *
 * @param id          the block reference's number within the record, 0 to 32
 * @param fork        0 main, 1 free space map, 2 visibility map, 3 init
 * @param block       the block number, unsigned
 * @param imageLength bytes of full-page image stored in the record (after compression and without the
 *                    hole), 0 without an image
 * @param dataLength  bytes of block data stored in the record
 */
public record BlockReference(int id, RelFileLocator relation, int fork, long block, boolean hasImage,
                             int imageLength, int dataLength) {
}
