package io.posmon.jobs;

import java.util.Collection;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * RocksDB options Flink's configuration has no key for: a bloom filter on each memtable. Most state
 * reads miss the memtable (the key is in a file, or nowhere: a new merchant, a new transaction id),
 * and without a filter every miss walks the memtable's skip list, a chain of cache misses that grows
 * with the memtable (the larger the managed memory, the larger the memtables). Set through
 * {@code state.backend.rocksdb.options-factory} by {@link FlinkSetup}; Flink's own settings stay.
 */
public final class MemtableBloomFilter implements RocksDBOptionsFactory {

    private static final long serialVersionUID = 1L;

    /** Memtable bloom size as a share of the write buffer (RocksDB's advice: 0.1 or less). */
    private static final double BLOOM_SHARE_OF_WRITE_BUFFER = 0.1;

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions
                .setMemtableWholeKeyFiltering(true)
                .setMemtablePrefixBloomSizeRatio(BLOOM_SHARE_OF_WRITE_BUFFER);
    }
}
