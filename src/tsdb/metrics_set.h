// The storage engine's self-metrics, registered once per DB on the Registry
// it is given; every part of the engine updates them through this struct.
// Thread-safety: the metric types are thread-safe; the struct is immutable.
#pragma once

#include "vigil/base/metrics.h"

namespace vigil::tsdb {

struct MetricsSet {
  explicit MetricsSet(metrics::Registry& r);

  metrics::Gauge& head_series;
  metrics::Gauge& head_chunks;
  metrics::Counter& series_created;
  metrics::Counter& chunks_created;
  metrics::Counter& samples_appended;
  metrics::Counter& out_of_order;
  metrics::Counter& duplicate;
  metrics::Counter& out_of_bounds;
  metrics::Counter& commits;
  metrics::Counter& commits_failed;

  metrics::Gauge& wal_size;
  metrics::Histogram& wal_fsync;
  metrics::Counter& wal_corruptions;
  metrics::Counter& wal_bytes_dropped;
  metrics::Counter& wal_replayed_records;
  metrics::Counter& checkpoints;
  metrics::Histogram& checkpoint_duration;

  metrics::Histogram& flush_duration;
  metrics::Counter& chunks_persisted;
  metrics::Counter& flush_failures;
  metrics::Counter& retention_deletions;
  metrics::Gauge& storage_bytes;
  metrics::Gauge& min_time;

  // RocksDB, refreshed after every flush pass.
  metrics::Gauge& rocksdb_sst_bytes;
  metrics::Gauge& rocksdb_memtable_bytes;
  metrics::Gauge& rocksdb_block_cache_bytes;
  metrics::Gauge& rocksdb_pending_compaction_bytes;
  metrics::Counter& rocksdb_compactions;
  metrics::Counter& rocksdb_compaction_seconds;
  metrics::Counter& rocksdb_stall_seconds;
};

}  // namespace vigil::tsdb
