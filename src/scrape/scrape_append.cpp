#include "scrape_append.h"

#include <algorithm>

#include "vigil/base/log.h"
#include "vigil/model/value.h"
#include "vigil/relabel/relabel.h"

namespace vigil::scrape {

void SeriesCache::BeginIteration() {
  ++iter_;
  lines_.swap(prev_lines_);
  lines_.clear();
}

SeriesCache::Entry* SeriesCache::Next(std::string_view series) {
  const size_t line = lines_.size();
  uint32_t slot = 0;
  if (line < prev_lines_.size() && slots_[prev_lines_[line]].text == series) {
    slot = prev_lines_[line];
  } else {
    auto it = by_text_.find(series);
    if (it == by_text_.end()) return nullptr;
    slot = it->second;
  }
  lines_.push_back(slot);
  return &slots_[slot].entry;
}

tsdb::SeriesRef SeriesCache::RefAhead(size_t ahead) const {
  const size_t line = lines_.size() + ahead;
  if (line >= prev_lines_.size()) return 0;
  const Slot& slot = slots_[prev_lines_[line]];
  // Its text is compared when that line comes: fetch it too.
  __builtin_prefetch(slot.text.data());
  return slot.entry.ref;
}

SeriesCache::Entry* SeriesCache::Insert(std::string_view series, Entry entry) {
  auto it = by_text_.find(series);
  uint32_t slot = 0;
  if (it != by_text_.end()) {
    slot = it->second;  // a caller that did not look it up first: replace it
  } else {
    if (!free_slots_.empty()) {
      slot = free_slots_.back();
      free_slots_.pop_back();
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    // A series text is never empty: it holds at least the metric name.
    slots_[slot].text = texts_.Add(series);
    by_text_.emplace(slots_[slot].text, slot);
  }
  slots_[slot].entry = std::move(entry);
  lines_.push_back(slot);
  return &slots_[slot].entry;
}

void SeriesCache::Forget(uint32_t slot) {
  by_text_.erase(slots_[slot].text);
  dead_text_bytes_ += slots_[slot].text.size();
  slots_[slot] = Slot{};
  free_slots_.push_back(slot);
}

void SeriesCache::CompactTexts() {
  // Copies the live texts to a fresh arena once most of it is dead (churn).
  if (dead_text_bytes_ < 64 * 1024 || dead_text_bytes_ * 2 < texts_.bytes()) return;
  TextArena fresh;
  by_text_.clear();
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (slot.text.empty()) continue;
    slot.text = fresh.Add(slot.text);
    by_text_.emplace(slot.text, i);
  }
  texts_ = std::move(fresh);
  dead_text_bytes_ = 0;
}

model::Labels AttachTargetLabels(const model::Labels& sample, const model::Labels& target,
                                 bool honor_labels) {
  model::LabelsBuilder b(sample);
  if (honor_labels) {
    for (const model::Label& l : target) {
      if (!sample.Has(l.name)) b.Set(l.name, l.value);
    }
    return b.Build();
  }
  std::vector<model::Label> conflicting;
  for (const model::Label& l : target) {
    std::string_view exposed = sample.Get(l.name);
    if (!exposed.empty()) conflicting.push_back({l.name, exposed});
    b.Set(l.name, l.value);
  }
  if (conflicting.empty()) return b.Build();
  // A scraped label that clashes with a target label is kept as
  // exported_<name> (exported_exported_<name>, ... while that is taken too).
  std::stable_sort(conflicting.begin(), conflicting.end(),
                   [](const model::Label& a, const model::Label& b2) {
                     return a.name.size() < b2.name.size();
                   });
  auto taken = [&](const std::string& name) {
    if (sample.Has(name) || target.Has(name)) return true;
    return std::any_of(conflicting.begin(), conflicting.end(),
                       [&](const model::Label& c) { return c.name == name; });
  };
  for (const model::Label& c : conflicting) {
    std::string name = "exported_" + std::string(c.name);
    while (taken(name)) name = "exported_" + name;
    b.Set(name, c.value);
  }
  return b.Build();
}

namespace {

Status CheckLabelLimits(const model::Labels& labels, const ScrapeLimits& limits) {
  std::string metric(labels.MetricName().substr(0, 50));
  if (limits.label_limit > 0) {
    size_t n = labels.size();
    if (n > limits.label_limit) {
      return ResourceExhausted("label_limit exceeded (metric: " + metric + ", number of labels: " +
                               std::to_string(n) + ", limit: " +
                               std::to_string(limits.label_limit) + ")");
    }
  }
  for (const model::Label& l : labels) {
    if (limits.label_name_length_limit > 0 && l.name.size() > limits.label_name_length_limit) {
      return ResourceExhausted("label_name_length_limit exceeded (metric: " + metric +
                               ", label name: " + std::string(l.name.substr(0, 50)) +
                               ", length: " + std::to_string(l.name.size()) + ", limit: " +
                               std::to_string(limits.label_name_length_limit) + ")");
    }
    if (limits.label_value_length_limit > 0 && l.value.size() > limits.label_value_length_limit) {
      return ResourceExhausted("label_value_length_limit exceeded (metric: " + metric +
                               ", label name: " + std::string(l.name.substr(0, 50)) +
                               ", value: \"" + std::string(l.value.substr(0, 50)) +
                               "\", length: " + std::to_string(l.value.size()) + ", limit: " +
                               std::to_string(limits.label_value_length_limit) + ")");
    }
  }
  return Status::Ok();
}

std::string_view MetricTypeName(expfmt::MetricType type) {
  switch (type) {
    case expfmt::MetricType::kCounter: return "counter";
    case expfmt::MetricType::kGauge: return "gauge";
    case expfmt::MetricType::kHistogram: return "histogram";
    case expfmt::MetricType::kGaugeHistogram: return "gaugehistogram";
    case expfmt::MetricType::kSummary: return "summary";
    case expfmt::MetricType::kInfo: return "info";
    case expfmt::MetricType::kStateset: return "stateset";
    case expfmt::MetricType::kUnknown: break;
  }
  return "unknown";
}

// Records a TYPE, HELP or UNIT entry, as Prometheus's scrape cache does.
void RecordMetadata(const expfmt::Parser& parser, expfmt::Parser::Entry entry,
                    MetadataByFamily* out) {
  std::string_view family = parser.MetricFamily();
  auto it = out->find(family);
  if (it == out->end()) it = out->emplace(std::string(family), MetricMetadata{}).first;
  switch (entry) {
    case expfmt::Parser::Entry::kType: it->second.type = MetricTypeName(parser.Type()); break;
    case expfmt::Parser::Entry::kHelp: it->second.help = parser.Text(); break;
    case expfmt::Parser::Entry::kUnit: it->second.unit = parser.Text(); break;
    default: break;
  }
}

// A sample's labels with the target's attached and metric relabeling
// applied; nullopt when relabeling drops the series.
std::optional<model::Labels> FinalLabels(const model::Labels& parsed,
                                         const model::Labels& target_labels,
                                         const config::ScrapeConfig& cfg) {
  model::Labels attached = AttachTargetLabels(parsed, target_labels, cfg.honor_labels);
  std::optional<model::Labels> final_labels = relabel::Process(attached, cfg.metric_relabel_configs);
  if (!final_labels || final_labels->empty()) return std::nullopt;
  return final_labels;
}

}  // namespace

std::optional<model::Labels> SeriesLabels(std::string_view series_text,
                                          const model::Labels& target_labels,
                                          const config::ScrapeConfig& cfg) {
  // A series text reads the same in both exposition formats: parse it as a
  // text-format sample line.
  std::string line(series_text);
  line += " 0\n";
  std::unique_ptr<expfmt::Parser> parser = expfmt::Parser::New(line, expfmt::Format::kText);
  Result<expfmt::Parser::Entry> entry = parser->Next();
  if (!entry.ok() || *entry != expfmt::Parser::Entry::kSeries) return std::nullopt;
  model::Labels parsed;
  parser->Labels(&parsed);
  return FinalLabels(parsed, target_labels, cfg);
}

void AppendStaleMarker(tsdb::Appender* app, tsdb::SeriesRef ref, std::string_view series_text,
                       const model::Labels& target_labels, const config::ScrapeConfig& cfg,
                       TimestampMs ts) {
  if (ref != 0) {
    Result<tsdb::SeriesRef> r = app->Append(ref, model::Labels(), ts, model::StaleNaN());
    if (r.ok() || !tsdb::IsUnknownRef(r.status())) return;
  }
  std::optional<model::Labels> labels = SeriesLabels(series_text, target_labels, cfg);
  if (labels) (void)app->Append(0, *labels, ts, model::StaleNaN());
}

// How far ahead AppendScrape prefetches: enough lines to cover a memory
// access, few enough that the data is still cached when its line comes.
constexpr size_t kPrefetchLines = 4;

AppendStats AppendScrape(std::string_view body, expfmt::Format format, const AppendContext& ctx,
                         SeriesCache* cache, tsdb::Appender* app) {
  const config::ScrapeConfig& cfg = *ctx.config;
  const ScrapeLimits limits{cfg.sample_limit, cfg.label_limit, cfg.label_name_length_limit,
                            cfg.label_value_length_limit};
  AppendStats stats;
  std::unique_ptr<expfmt::Parser> parser = expfmt::Parser::New(body, format);
  const uint64_t iter = cache->iteration();
  model::Labels parsed;
  for (;;) {
    Result<expfmt::Parser::Entry> entry = parser->Next();
    if (!entry.ok()) {
      stats.error = entry.status();
      break;
    }
    if (*entry == expfmt::Parser::Entry::kEnd) break;
    if (*entry == expfmt::Parser::Entry::kType || *entry == expfmt::Parser::Entry::kHelp ||
        *entry == expfmt::Parser::Entry::kUnit) {
      RecordMetadata(*parser, *entry, &stats.metadata);
      continue;
    }
    if (*entry != expfmt::Parser::Entry::kSeries) continue;
    ++stats.scraped;

    std::optional<int64_t> explicit_ts = parser->TimestampMs();
    TimestampMs t = ctx.timestamp;
    if (cfg.honor_timestamps && explicit_ts) t = *explicit_ts;

    std::string_view raw = parser->Series();
    // Appending touches series that are cold by now (a scrape ago): start
    // fetching the one a few lines down, assuming the last scrape's order.
    if (tsdb::SeriesRef ahead = cache->RefAhead(kPrefetchLines); ahead != 0) {
      app->Prefetch(ahead);
    }
    SeriesCache::Entry* e = cache->Next(raw);
    // The line's final labels, derived only when an append needs them.
    std::optional<model::Labels> labels;
    bool is_new = false;
    if (e == nullptr) {
      parser->Labels(&parsed);
      labels = FinalLabels(parsed, *ctx.target_labels, cfg);
      SeriesCache::Entry fresh;
      fresh.dropped = !labels.has_value();
      if (!fresh.dropped) {
        stats.error = CheckLabelLimits(*labels, limits);
        if (!stats.error.ok()) break;
      }
      e = cache->Insert(raw, fresh);
      is_new = !e->dropped;
    }
    e->seen_iter = iter;
    if (e->dropped) continue;

    ++stats.appended;
    if (limits.sample_limit > 0 && stats.appended > limits.sample_limit) {
      // Counting goes on so scrape_samples_scraped stays true.
      if (stats.error.ok()) {
        stats.error = ResourceExhausted("sample limit exceeded");
      }
      continue;
    }
    e->tracked = !explicit_ts;
    const double v = parser->Value();
    auto append_by_labels = [&] {
      if (!labels) {
        parser->Labels(&parsed);
        labels = FinalLabels(parsed, *ctx.target_labels, cfg);
      }
      // The same line relabels the same way: a cached series is never dropped here.
      return app->Append(0, labels ? *labels : model::Labels(), t, v);
    };
    Result<tsdb::SeriesRef> ref =
        e->ref != 0 ? app->Append(e->ref, model::Labels(), t, v) : append_by_labels();
    // The storage removed the series since (retention, deletion): add it again.
    if (!ref.ok() && e->ref != 0 && tsdb::IsUnknownRef(ref.status())) ref = append_by_labels();
    if (ref.ok()) {
      if (is_new || e->ref == 0) ++stats.series_added;
      e->ref = *ref;
    } else if (tsdb::IsOutOfOrder(ref.status())) {
      ++stats.out_of_order;
    } else if (tsdb::IsDuplicate(ref.status())) {
      ++stats.duplicates;
    } else {
      stats.error = ref.status();
      break;
    }
  }
  stats.semantic_violations = parser->SemanticViolations().size();
  if (stats.error.ok() && cfg.strict && stats.semantic_violations > 0) {
    stats.error = InvalidArgument("strict: " + parser->SemanticViolations().front().ToString());
  }
  return stats;
}

namespace {

constexpr std::string_view kReportNames[ReportSeries::kCount] = {
    "up", "scrape_duration_seconds", "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling", "scrape_series_added"};

}  // namespace

ReportSeries::ReportSeries(const model::Labels& target_labels) {
  for (size_t i = 0; i < kCount; ++i) {
    model::LabelsBuilder b(target_labels);
    b.Set(model::kMetricName, kReportNames[i]);
    labels_[i] = b.Build();
  }
}

void ReportSeries::Append(tsdb::Appender* app, TimestampMs ts, const double (&values)[kCount]) {
  for (size_t i = 0; i < kCount; ++i) {
    Result<tsdb::SeriesRef> ref = app->Append(refs_[i], labels_[i], ts, values[i]);
    if (ref.ok()) refs_[i] = *ref;
  }
}

void ReportSeries::AppendStale(tsdb::Appender* app, TimestampMs ts) {
  const double stale = model::StaleNaN();
  const double values[kCount] = {stale, stale, stale, stale, stale};
  Append(app, ts, values);
}

ScrapeOutcome CommitScrape(const ScrapeInput& in, const model::Labels& target_labels,
                           const config::ScrapeConfig& cfg, SeriesCache* cache,
                           ReportSeries* report, tsdb::Appendable* storage) {
  ScrapeOutcome out;
  cache->BeginIteration();
  std::unique_ptr<tsdb::Appender> app = storage->NewAppender();
  out.error = in.fetch_error;
  if (out.error.ok()) {
    AppendContext ctx{&target_labels, &cfg, in.timestamp};
    out.stats = AppendScrape(in.body, expfmt::FormatFromContentType(in.content_type), ctx, cache,
                             app.get());
    out.error = out.stats.error;
    if (!out.error.ok()) {
      // Nothing of a rejected scrape is stored.
      app->Rollback();
      app = storage->NewAppender();
    }
  }
  const bool ok = out.error.ok();
  cache->EndIteration(ok, [&](tsdb::SeriesRef ref, std::string_view series_text) {
    // A series that came back under another loop may already have a newer
    // sample; that refusal is expected and harmless.
    AppendStaleMarker(app.get(), ref, series_text, target_labels, cfg, in.timestamp);
  });
  const double values[ReportSeries::kCount] = {
      ok ? 1.0 : 0.0, in.duration_seconds, static_cast<double>(out.stats.scraped),
      static_cast<double>(ok ? out.stats.appended : 0),
      static_cast<double>(ok ? out.stats.series_added : 0)};
  report->Append(app.get(), in.timestamp, values);
  Status committed = app->Commit();
  if (!committed.ok()) {
    log::Error("Committing a scrape failed", {{"err", committed.message()}});
    if (ok) out.error = committed;
  }
  return out;
}

}  // namespace vigil::scrape
