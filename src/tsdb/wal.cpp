#include "wal.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdio>
#include <unordered_map>

#include "encoding.h"
#include "vigil/base/log.h"
#include "wal_file.h"
#include "wal_record.h"

namespace vigil::tsdb {
namespace {

constexpr uint32_t kMaxRecordBytes = 1u << 30;
constexpr char kCheckpointPrefix[] = "checkpoint.";

std::string SegmentName(uint64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08llu", static_cast<unsigned long long>(index));
  return buf;
}

// Parses "00000012" → 12; false for anything else.
bool ParseIndex(std::string_view name, uint64_t* index) {
  if (name.size() != 8) return false;
  uint64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *index = v;
  return true;
}

}  // namespace

uint32_t WalChecksum(std::string_view payload) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

std::string EncodeWalRecord(std::string_view payload) {
  std::string out;
  out.reserve(kWalRecordHeader + payload.size());
  PutFixed32LE(static_cast<uint32_t>(payload.size()), &out);
  PutFixed32LE(WalChecksum(payload), &out);
  out.append(payload);
  return out;
}

void SealWalRecord(std::string* record) {
  std::string_view payload = std::string_view(*record).substr(kWalRecordHeader);
  std::string header;
  PutFixed32LE(static_cast<uint32_t>(payload.size()), &header);
  PutFixed32LE(WalChecksum(payload), &header);
  record->replace(0, kWalRecordHeader, header);
}

struct Wal::File {
  File(int fd, std::string path) : fd(fd), path(std::move(path)) {}
  ~File() { ::close(fd); }
  const int fd;
  const std::string path;
};

Wal::Wal(std::string dir, WalOptions options, MetricsSet* metrics, Head* head)
    : dir_(std::move(dir)), options_(options), metrics_(metrics), head_(head) {}

Wal::~Wal() {
  if (syncer_.joinable()) {
    {
      std::lock_guard lock(syncer_mu_);
      stopping_ = true;
    }
    syncer_cv_.notify_all();
    syncer_.join();
  }
  // A clean close leaves nothing unsynced.
  uint64_t seq = 0;
  {
    std::lock_guard lock(mu_);
    seq = seq_;
  }
  if (options_.sync && !broken_.load()) (void)Sync(seq);
}

void Wal::SyncLoop() {
  std::unique_lock lock(syncer_mu_);
  while (!stopping_) {
    syncer_cv_.wait_for(lock, std::chrono::milliseconds(options_.sync_interval_ms));
    if (stopping_) break;
    lock.unlock();
    uint64_t seq = 0;
    {
      std::lock_guard wal_lock(mu_);
      seq = seq_;
    }
    // A failure marks the WAL broken (Sync logs it): later commits fail.
    if (!broken_.load()) (void)Sync(seq);
    lock.lock();
  }
}

Result<std::unique_ptr<Wal>> Wal::Open(const std::string& dir, WalOptions options,
                                       MetricsSet* metrics, Head* head) {
  VIGIL_RETURN_IF_ERROR(EnsureDir(dir));
  std::unique_ptr<Wal> wal(new Wal(dir, options, metrics, head));
  VIGIL_RETURN_IF_ERROR(wal->Replay());
  std::lock_guard lock(wal->mu_);
  VIGIL_RETURN_IF_ERROR(wal->OpenSegment(wal->segment_index_ + 1));
  if (options.sync && options.sync_interval_ms > 0) {
    wal->syncer_ = std::thread([w = wal.get()] { w->SyncLoop(); });
  }
  return wal;
}

Status Wal::OpenSegment(uint64_t index) {
  std::string path = dir_ + "/" + SegmentName(index);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("open", path);
  if (current_ != nullptr && options_.sync) {
    // Records in the old segment must be durable before its successor exists.
    VIGIL_RETURN_IF_ERROR(SyncFd(current_->fd, current_->path));
  }
  current_ = std::make_shared<File>(fd, path);
  segment_index_ = index;
  if (options_.sync) VIGIL_RETURN_IF_ERROR(SyncDir(dir_));
  return Status::Ok();
}

Status Wal::Replay() {
  VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir_));
  uint64_t checkpoint = 0;
  bool have_checkpoint = false;
  std::vector<uint64_t> segments;
  for (const std::string& name : names) {
    uint64_t index = 0;
    if (name.ends_with(".tmp")) {
      ::unlink((dir_ + "/" + name).c_str());  // an interrupted checkpoint
    } else if (name.starts_with(kCheckpointPrefix) &&
               ParseIndex(std::string_view(name).substr(sizeof kCheckpointPrefix - 1), &index)) {
      if (!have_checkpoint || index > checkpoint) checkpoint = index;
      have_checkpoint = true;
    } else if (ParseIndex(name, &index)) {
      segments.push_back(index);
    }
  }
  std::sort(segments.begin(), segments.end());
  segment_index_ = have_checkpoint ? checkpoint : 0;
  if (have_checkpoint) {
    bool corrupted = false;
    std::string path = dir_ + "/" + kCheckpointPrefix + SegmentName(checkpoint);
    VIGIL_RETURN_IF_ERROR(ReplayFile(path, &corrupted));
  }
  bool corrupted = false;
  for (uint64_t index : segments) {
    std::string path = dir_ + "/" + SegmentName(index);
    if (have_checkpoint && index <= checkpoint) {
      ::unlink(path.c_str());  // covered by the checkpoint
      continue;
    }
    if (corrupted) {
      // Everything after a corruption is dropped so the log stays a prefix.
      metrics_->wal_bytes_dropped.Inc(static_cast<double>(FileSize(path)));
      log::Warn("Deleting WAL segment after a corrupted one", {{"segment", path}});
      ::unlink(path.c_str());
      continue;
    }
    VIGIL_RETURN_IF_ERROR(ReplayFile(path, &corrupted));
    segment_index_ = std::max(segment_index_, index);
  }
  head_->ResetSeq(0);
  return Status::Ok();
}

Status Wal::ReplayFile(const std::string& path, bool* corrupted) {
  VIGIL_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path));
  size_t pos = 0;
  std::string reason;
  while (pos < data.size()) {
    if (data.size() - pos < kWalRecordHeader) {
      reason = "torn record header";
      break;
    }
    uint32_t len = GetFixed32LE(data.data() + pos);
    uint32_t crc = GetFixed32LE(data.data() + pos + 4);
    if (len > kMaxRecordBytes || data.size() - pos - kWalRecordHeader < len) {
      reason = "torn record";
      break;
    }
    std::string_view payload(data.data() + pos + kWalRecordHeader, len);
    if (WalChecksum(payload) != crc) {
      reason = "checksum mismatch";
      break;
    }
    Status s = ApplyRecord(payload);
    if (!s.ok()) {
      reason = s.message();
      break;
    }
    metrics_->wal_replayed_records.Inc();
    pos += kWalRecordHeader + len;
  }
  size_bytes_.fetch_add(pos);
  if (pos < data.size()) {
    *corrupted = true;
    uint64_t lost = data.size() - pos;
    log::Warn("WAL corruption: keeping the good prefix and dropping the rest",
              {{"file", path}, {"offset", static_cast<int64_t>(pos)},
               {"dropped_bytes", static_cast<int64_t>(lost)}, {"reason", reason}});
    metrics_->wal_corruptions.Inc();
    metrics_->wal_bytes_dropped.Inc(static_cast<double>(lost));
    if (::truncate(path.c_str(), static_cast<off_t>(pos)) != 0) {
      return ErrnoStatus("truncate", path);
    }
  }
  return Status::Ok();
}

Status Wal::ApplyRecord(std::string_view payload) {
  ByteReader r(payload);
  std::string_view type;
  if (!r.GetBytes(1, &type)) return Status(StatusCode::kCorruption, "empty record");
  auto corrupt = [] { return Status(StatusCode::kCorruption, "malformed record"); };
  const auto record_type = static_cast<uint8_t>(type[0]);
  if (record_type == kWalBatchRecord || record_type == kWalBatchRecordV1) {
    BatchRecordHandler handler;
    handler.series = [this](SeriesRef ref, std::string_view encoded) -> Status {
      VIGIL_ASSIGN_OR_RETURN(model::Labels labels, DecodeLabels(encoded));
      MemSeries* s = head_->GetOrCreateWithRef(ref, labels);
      if (s == nullptr) return Status(StatusCode::kCorruption, "series ref out of range");
      s->logged.store(true);
      return Status::Ok();
    };
    handler.sample = [this](SeriesRef ref, TimestampMs t, double v) -> Status {
      MemSeries* s = head_->ByRef(ref);
      if (s == nullptr) return Status(StatusCode::kCorruption, "sample of an unknown series");
      head_->ReplaySample(s, t, v);
      return Status::Ok();
    };
    return DecodeBatchRecord(record_type, r.Rest(), handler);
  }
  if (record_type == kWalCheckpointSeriesRecord) {
    uint64_t ref = 0;
    std::string_view encoded;
    int64_t max_t = 0;
    double last_v = 0;
    int64_t persisted_max_t = 0;
    uint64_t n_chunks = 0;
    if (!r.GetUvarint(&ref) || !r.GetLengthPrefixed(&encoded) || !r.GetVarint(&max_t) ||
        !r.GetDouble(&last_v) || !r.GetVarint(&persisted_max_t) || !r.GetUvarint(&n_chunks)) {
      return corrupt();
    }
    VIGIL_ASSIGN_OR_RETURN(model::Labels labels, DecodeLabels(encoded));
    MemSeries* s = head_->GetOrCreateWithRef(ref, labels);
    if (s == nullptr) return Status(StatusCode::kCorruption, "series ref out of range");
    s->logged.store(true);
    for (uint64_t i = 0; i < n_chunks; ++i) {
      std::string_view chunk;
      if (!r.GetLengthPrefixed(&chunk)) return corrupt();
      ChunkIterator it(chunk);
      while (it.Next()) head_->ReplaySample(s, it.t(), it.v());
      if (!it.status().ok()) return it.status();
    }
    head_->RestoreWatermarks(s, max_t, std::bit_cast<uint64_t>(last_v), persisted_max_t);
    return Status::Ok();
  }
  return Status(StatusCode::kCorruption, "unknown record type");
}

CommitLog::Outcome Wal::Log(const Batch& batch) {
  // The record is built in place after room for its header: one buffer, no copy.
  std::string record(kWalRecordHeader, '\0');
  record.reserve(kWalRecordHeader + 16 + batch.samples.size() * 6);
  EncodeBatchRecord(batch, &record);
  SealWalRecord(&record);

  Outcome out;
  {
    std::lock_guard lock(mu_);
    if (broken_.load()) {
      out.status = IoError("WAL is unwritable after an earlier write or fsync failure");
      return out;
    }
    Status s = WriteAll(current_->fd, record, current_->path);
    if (!s.ok()) {
      broken_.store(true);
      log::Error("WAL write failed; refusing further commits", {{"err", s.ToString()}});
      out.status = s;
      return out;
    }
    out.seq = ++seq_;
    size_bytes_.fetch_add(record.size());
    since_checkpoint_.fetch_add(record.size());
    metrics_->wal_size.Set(static_cast<double>(size_bytes_.load()));
    off_t end = ::lseek(current_->fd, 0, SEEK_CUR);
    if (end >= 0 && static_cast<uint64_t>(end) >= options_.segment_bytes) {
      s = OpenSegment(segment_index_ + 1);
      if (!s.ok()) {
        broken_.store(true);
        out.status = s;
        return out;
      }
      std::lock_guard sync_lock(sync_mu_);
      synced_seq_ = std::max(synced_seq_, seq_);  // the old segment was synced
    }
  }
  if (options_.sync_interval_ms == 0) out.status = Sync(out.seq);
  return out;
}

Status Wal::Sync(uint64_t seq) {
  std::unique_lock lock(sync_mu_);
  if (!options_.sync) {
    synced_seq_ = std::max(synced_seq_, seq);
    return Status::Ok();
  }
  while (synced_seq_ < seq) {
    if (broken_.load()) return IoError("WAL fsync failed");
    if (syncing_) {
      sync_cv_.wait(lock);
      continue;
    }
    syncing_ = true;
    std::shared_ptr<File> file;
    uint64_t target = 0;
    lock.unlock();
    {
      std::lock_guard wal_lock(mu_);
      file = current_;
      target = seq_;
    }
    auto start = std::chrono::steady_clock::now();
    Status s = SyncFd(file->fd, file->path);
    metrics_->wal_fsync.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    lock.lock();
    syncing_ = false;
    if (s.ok()) {
      synced_seq_ = std::max(synced_seq_, target);
    } else {
      broken_.store(true);
      log::Error("WAL fsync failed; refusing further commits", {{"err", s.ToString()}});
    }
    sync_cv_.notify_all();
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status Wal::Checkpoint() {
  std::lock_guard cp_lock(checkpoint_mu_);
  auto start = std::chrono::steady_clock::now();
  uint64_t covered = 0;
  uint64_t cut_seq = 0;
  {
    std::lock_guard lock(mu_);
    if (broken_.load()) return IoError("WAL is unwritable");
    covered = segment_index_;
    cut_seq = seq_;
    VIGIL_RETURN_IF_ERROR(OpenSegment(segment_index_ + 1));
  }
  since_checkpoint_.store(0);
  // Every record of the covered segments must be in the head before it is copied.
  head_->WaitApplied(cut_seq);

  std::string final_path = dir_ + "/" + kCheckpointPrefix + SegmentName(covered);
  std::string tmp_path = final_path + ".tmp";
  int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("open", tmp_path);
  std::string buf;
  Status status;
  uint64_t written = 0;
  head_->ForEachSeries([&](MemSeries* s) {
    if (!status.ok()) return;
    std::string payload;
    payload.push_back(static_cast<char>(kWalCheckpointSeriesRecord));
    PutUvarint(s->ref(), &payload);
    PutUvarint(s->labels().encoded().size(), &payload);
    payload.append(s->labels().encoded());
    {
      std::lock_guard lock(s->mu);
      PutVarint(s->max_t, &payload);
      PutDouble(std::bit_cast<double>(s->last_v_bits), &payload);
      PutVarint(s->persisted_max_t, &payload);
      size_t n = s->closed.size() + (s->open.empty() ? 0 : 1);
      PutUvarint(n, &payload);
      for (const ChunkRef& c : s->closed) {
        PutUvarint(c.bytes->size(), &payload);
        payload.append(*c.bytes);
      }
      if (!s->open.empty()) {
        PutUvarint(s->open.bytes().size(), &payload);
        payload.append(s->open.bytes());
      }
    }
    buf += EncodeWalRecord(payload);
    if (buf.size() >= (1u << 20)) {
      status = WriteAll(fd, buf, tmp_path);
      written += buf.size();
      buf.clear();
    }
  });
  if (status.ok()) {
    status = WriteAll(fd, buf, tmp_path);
    written += buf.size();
  }
  if (status.ok()) status = SyncFd(fd, tmp_path);
  ::close(fd);
  if (status.ok() && ::rename(tmp_path.c_str(), final_path.c_str()) != 0) {
    status = ErrnoStatus("rename", tmp_path);
  }
  if (status.ok()) status = SyncDir(dir_);
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status;
  }
  // The checkpoint covers every older segment and checkpoint.
  uint64_t remaining = written;
  VIGIL_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir_));
  for (const std::string& name : names) {
    uint64_t index = 0;
    std::string path = dir_ + "/" + name;
    bool old_checkpoint =
        name.starts_with(kCheckpointPrefix) &&
        ParseIndex(std::string_view(name).substr(sizeof kCheckpointPrefix - 1), &index) &&
        index < covered;
    bool old_segment = ParseIndex(name, &index) && index <= covered;
    if (old_checkpoint || old_segment) {
      ::unlink(path.c_str());
    } else if (ParseIndex(name, &index)) {
      remaining += FileSize(path);
    }
  }
  size_bytes_.store(remaining);
  metrics_->wal_size.Set(static_cast<double>(remaining));
  metrics_->checkpoints.Inc();
  metrics_->checkpoint_duration.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return Status::Ok();
}

}  // namespace vigil::tsdb
