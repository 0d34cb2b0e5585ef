// Appending one scrape: parse the body, attach target labels, apply
// metric_relabel_configs and limits, append each sample, and track which
// series disappeared so they get staleness markers — as Prometheus 2.42's
// scrapeLoop.append.
//
// The SeriesCache maps the raw `name{labels}` bytes of a sample line to its
// storage ref, so a series seen before costs no label parsing. It keeps no
// labels (they would double the cache's memory): the rare append that needs
// them (a new series, or one the storage removed) derives them from the line
// again (SeriesLabels). A target exposes its series in the same order scrape after scrape,
// so each line is first compared with the series of the same line of the
// previous scrape, and only looked up by hash when that differs. Entries and
// their texts are kept in first-seen order (a vector, a text arena), so a
// scrape reads them in memory order instead of chasing hash nodes.
// Thread-safety: a SeriesCache belongs to one scrape loop and is used by one
// thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/config/config.h"
#include "vigil/expfmt/parser.h"
#include "vigil/model/labels.h"
#include "vigil/scrape/target.h"
#include "text_arena.h"
#include "vigil/tsdb/appender.h"

namespace vigil::scrape {

class SeriesCache {
 public:
  struct Entry {
    tsdb::SeriesRef ref = 0;  // 0 until an append stored the series
    bool dropped = false;    // metric relabeling dropped it
    bool tracked = false;    // staleness-tracked (no explicit timestamp) this scrape
    uint64_t seen_iter = 0;  // the iteration that last saw it (possibly failed)
    uint64_t last_ok_iter = 0;  // the last successful iteration that saw it
  };

  // Starts iteration `iter` (1, 2, ...).
  void BeginIteration();
  uint64_t iteration() const { return iter_; }

  // The entry of the series text of the body's next sample line (call once
  // per sample line, in body order); null when unknown, and the caller then
  // Inserts it. Pointers stay valid until the next Insert.
  Entry* Next(std::string_view series);
  // The ref the series `ahead` lines below the current one had in the
  // previous scrape (0 when unknown): what Append will likely get soon.
  tsdb::SeriesRef RefAhead(size_t ahead) const;
  // Adds the entry of the line the last Next call did not find.
  Entry* Insert(std::string_view series, Entry entry);

  // Ends the iteration. `ok`: the scrape was appended. Calls
  // stale(ref, series text) for every tracked series the previous successful
  // scrape had and this one has not (all of them when !ok), then forgets
  // long-unseen entries.
  template <typename Fn>
  void EndIteration(bool ok, Fn&& stale);

  // Calls fn(ref, series text) for every series seen by the last successful
  // scrape.
  template <typename Fn>
  void ForEachLive(Fn&& fn) const;

  size_t size() const { return by_text_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  struct Slot {
    Entry entry;
    std::string_view text;  // its series text, in texts_; empty when the slot is free
  };
  void Forget(uint32_t slot);
  void CompactTexts();

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  TextArena texts_;
  size_t dead_text_bytes_ = 0;  // texts_ bytes of forgotten entries
  std::unordered_map<std::string_view, uint32_t, Hash> by_text_;  // text → slot
  // The slot of each sample line of this scrape so far, and of the previous
  // scrape: only ever the iteration just before, whose entries EndIteration
  // cannot have forgotten.
  std::vector<uint32_t> lines_, prev_lines_;
  uint64_t iter_ = 0;
};

struct ScrapeLimits {
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
};

struct AppendStats {
  uint64_t scraped = 0;       // sample lines in the body
  uint64_t appended = 0;      // after metric relabeling
  uint64_t series_added = 0;  // new to the cache
  uint64_t out_of_order = 0;
  uint64_t duplicates = 0;
  uint64_t semantic_violations = 0;
  MetadataByFamily metadata;  // the body's TYPE, HELP and UNIT lines
  Status error;  // parse error, limit exceeded, strict violation: the scrape failed
};

struct AppendContext {
  const model::Labels* target_labels;
  const config::ScrapeConfig* config;
  TimestampMs timestamp;
};

// Appends the samples of `body` (but no staleness markers or report series).
// On error nothing may be committed: the caller rolls `app` back.
AppendStats AppendScrape(std::string_view body, expfmt::Format format, const AppendContext& ctx,
                         SeriesCache* cache, tsdb::Appender* app);

// The synthetic series every scrape writes: up, scrape_duration_seconds,
// scrape_samples_scraped, scrape_samples_post_metric_relabeling,
// scrape_series_added, with the target's labels.
class ReportSeries {
 public:
  static constexpr size_t kCount = 5;
  explicit ReportSeries(const model::Labels& target_labels);
  void Append(tsdb::Appender* app, TimestampMs ts, const double (&values)[kCount]);
  void AppendStale(tsdb::Appender* app, TimestampMs ts);

 private:
  model::Labels labels_[kCount];
  tsdb::SeriesRef refs_[kCount] = {};
};

// One scrape, start to finish, as Prometheus's scrapeAndReport: the samples
// (all or none), staleness markers for series that went away (every series
// when the scrape failed), the report series; then commit.
struct ScrapeInput {
  Status fetch_error;  // the HTTP fetch failed when not OK
  std::string_view body;
  std::string_view content_type;
  TimestampMs timestamp;
  double duration_seconds;
};
struct ScrapeOutcome {
  AppendStats stats;
  Status error;  // why the target is down; OK when up
};
ScrapeOutcome CommitScrape(const ScrapeInput& in, const model::Labels& target_labels,
                           const config::ScrapeConfig& cfg, SeriesCache* cache,
                           ReportSeries* report, tsdb::Appendable* storage);

// The labels of a scraped sample with the target's labels attached, as
// Prometheus's mutateSampleLabels (honor_labels, exported_ prefixes).
model::Labels AttachTargetLabels(const model::Labels& sample, const model::Labels& target,
                                 bool honor_labels);

// The labels a series text (a cache key: `name{labels}` as the body wrote it)
// is stored under: parsed, with the target's labels attached and metric
// relabeling applied; nullopt when relabeling drops it.
std::optional<model::Labels> SeriesLabels(std::string_view series_text,
                                          const model::Labels& target_labels,
                                          const config::ScrapeConfig& cfg);

// Appends a staleness marker at `ts` for a cached series: by its ref, or by
// its labels (from the text) when the storage no longer knows the ref. A
// refusal (the series has a newer sample) is expected and ignored.
void AppendStaleMarker(tsdb::Appender* app, tsdb::SeriesRef ref, std::string_view series_text,
                       const model::Labels& target_labels, const config::ScrapeConfig& cfg,
                       TimestampMs ts);

template <typename Fn>
void SeriesCache::EndIteration(bool ok, Fn&& stale) {
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (slot.text.empty()) continue;
    Entry& e = slot.entry;
    bool seen_now = ok && e.seen_iter == iter_;
    if (!e.dropped && e.last_ok_iter == iter_ - 1 && e.last_ok_iter != 0 && !seen_now &&
        e.tracked) {
      stale(e.ref, slot.text);
    }
    if (seen_now) e.last_ok_iter = iter_;
    // Forget series unseen for a while so a churning target cannot grow the cache.
    if (std::max(e.seen_iter, e.last_ok_iter) + 10 < iter_) Forget(i);
  }
  CompactTexts();
}

template <typename Fn>
void SeriesCache::ForEachLive(Fn&& fn) const {
  for (const Slot& slot : slots_) {
    const Entry& e = slot.entry;
    if (!slot.text.empty() && !e.dropped && e.tracked && e.last_ok_iter == iter_ &&
        iter_ != 0) {
      fn(e.ref, slot.text);
    }
  }
}

}  // namespace vigil::scrape
