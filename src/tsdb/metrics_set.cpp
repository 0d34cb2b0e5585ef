#include "metrics_set.h"

namespace vigil::tsdb {

MetricsSet::MetricsSet(metrics::Registry& r)
    : head_series(r.AddGauge("vigil_tsdb_head_series", "Series in the head.")),
      head_chunks(r.AddGauge("vigil_tsdb_head_chunks",
                             "Chunks held in the head (open, and full but not yet persisted).")),
      series_created(
          r.AddCounter("vigil_tsdb_head_series_created_total", "Series created in the head.")),
      chunks_created(
          r.AddCounter("vigil_tsdb_head_chunks_created_total", "Chunks created in the head.")),
      samples_appended(r.AddCounter("vigil_tsdb_head_samples_appended_total",
                                    "Samples committed to the head.")),
      out_of_order(r.AddCounter("vigil_tsdb_out_of_order_samples_total",
                                "Samples refused as older than their series' newest sample.")),
      duplicate(r.AddCounter("vigil_tsdb_duplicate_samples_total",
                             "Samples refused for repeating a timestamp with another value.")),
      out_of_bounds(r.AddCounter("vigil_tsdb_out_of_bounds_samples_total",
                                 "Samples refused as older than the retention window.")),
      commits(r.AddCounter("vigil_tsdb_commits_total", "Appender commits that succeeded.")),
      commits_failed(r.AddCounter("vigil_tsdb_commits_failed_total",
                                  "Appender commits that failed (WAL write or fsync).")),
      wal_size(r.AddGauge("vigil_tsdb_wal_size_bytes", "Size of the WAL segments and checkpoint.")),
      wal_fsync(r.AddHistogram("vigil_tsdb_wal_fsync_duration_seconds", "Duration of WAL fsyncs.",
                               metrics::ExponentialBuckets(0.0001, 2, 16))),
      wal_corruptions(r.AddCounter("vigil_tsdb_wal_corruptions_total",
                                   "Torn or corrupted WAL tails found (and cut) on open.")),
      wal_bytes_dropped(r.AddCounter("vigil_tsdb_wal_dropped_bytes_total",
                                     "WAL bytes discarded after a corruption.")),
      wal_replayed_records(
          r.AddCounter("vigil_tsdb_wal_replayed_records_total", "WAL records replayed on open.")),
      checkpoints(r.AddCounter("vigil_tsdb_checkpoints_total", "WAL checkpoints written.")),
      checkpoint_duration(r.AddHistogram("vigil_tsdb_checkpoint_duration_seconds",
                                         "Duration of WAL checkpoints.",
                                         metrics::ExponentialBuckets(0.001, 2, 14))),
      flush_duration(r.AddHistogram("vigil_tsdb_flush_duration_seconds",
                                    "Duration of moving full chunks from the head to RocksDB.",
                                    metrics::ExponentialBuckets(0.001, 2, 14))),
      chunks_persisted(
          r.AddCounter("vigil_tsdb_chunks_persisted_total", "Chunks written to RocksDB.")),
      flush_failures(r.AddCounter("vigil_tsdb_flush_failures_total",
                                  "Flushes of the head to RocksDB that failed.")),
      retention_deletions(r.AddCounter("vigil_tsdb_retention_buckets_deleted_total",
                                       "Time buckets dropped by retention.")),
      storage_bytes(r.AddGauge("vigil_tsdb_storage_size_bytes",
                               "Bytes on disk of RocksDB's files and the WAL.")),
      min_time(r.AddGauge("vigil_tsdb_lowest_timestamp_seconds",
                          "The oldest time retention keeps (Unix seconds).")),
      rocksdb_sst_bytes(r.AddGauge("vigil_tsdb_rocksdb_sst_bytes", "Bytes of RocksDB's live SST files.")),
      rocksdb_memtable_bytes(r.AddGauge("vigil_tsdb_rocksdb_memtable_bytes",
                                        "Bytes of RocksDB's memtables (active and immutable).")),
      rocksdb_block_cache_bytes(r.AddGauge("vigil_tsdb_rocksdb_block_cache_usage_bytes",
                                           "Bytes in use in RocksDB's block cache.")),
      rocksdb_pending_compaction_bytes(
          r.AddGauge("vigil_tsdb_rocksdb_pending_compaction_bytes",
                     "RocksDB's estimate of the bytes compaction still has to rewrite.")),
      rocksdb_compactions(r.AddCounter("vigil_tsdb_rocksdb_compactions_total",
                                       "RocksDB compactions finished.")),
      rocksdb_compaction_seconds(r.AddCounter("vigil_tsdb_rocksdb_compaction_seconds_total",
                                              "Time spent in finished RocksDB compactions.")),
      rocksdb_stall_seconds(r.AddCounter("vigil_tsdb_rocksdb_write_stall_seconds_total",
                                         "Time RocksDB delayed or stopped writes.")) {}

}  // namespace vigil::tsdb
