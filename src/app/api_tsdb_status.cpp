#include "api_tsdb_status.h"

#include <algorithm>
#include <limits>
#include <map>

#include "api_json.h"

namespace vigil::app {
namespace {

using nlohmann::ordered_json;

constexpr size_t kTopEntries = 10;

// The `n` largest counts, largest first (ties by name), as [{"name","value"}].
ordered_json Top(const std::map<std::string, uint64_t, std::less<>>& counts) {
  std::vector<std::pair<std::string_view, uint64_t>> entries(counts.begin(), counts.end());
  auto by_count = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  size_t n = std::min(kTopEntries, entries.size());
  std::partial_sort(entries.begin(), entries.begin() + static_cast<ptrdiff_t>(n), entries.end(),
                    by_count);
  ordered_json out = ordered_json::array();
  for (size_t i = 0; i < n; ++i) {
    out.push_back({{"name", std::string(entries[i].first)}, {"value", entries[i].second}});
  }
  return out;
}

http::Response TsdbStatus(const TsdbStatusContext& ctx) {
  const TimestampMs now = ctx.clock->Now();
  auto querier = ctx.storage->NewQuerier(std::numeric_limits<TimestampMs>::min(),
                                         std::numeric_limits<TimestampMs>::max());
  if (!querier.ok()) return ApiError(promql::ErrorType::kInternal, querier.status().message());
  auto all = model::Matcher::Make(model::MatchType::kRegexMatch, "__name__", ".+");
  if (!all.ok()) return ApiError(promql::ErrorType::kInternal, all.status().message());
  auto set = (*querier)->Select(false, nullptr, {*all});

  // Per label name: its values and how many series carry each.
  std::map<std::string, std::map<std::string, uint64_t, std::less<>>, std::less<>> postings;
  uint64_t series = 0;
  TimestampMs min_time = std::numeric_limits<TimestampMs>::max();
  TimestampMs max_time = std::numeric_limits<TimestampMs>::min();
  while (set->Next()) {
    ++series;
    for (const model::Label& l : set->At().labels()) {
      auto name = postings.find(l.name);
      if (name == postings.end()) name = postings.try_emplace(std::string(l.name)).first;
      auto value = name->second.find(l.value);
      if (value == name->second.end()) value = name->second.emplace(std::string(l.value), 0).first;
      ++value->second;
    }
    // The first sample, then only the recent ones for the newest.
    std::unique_ptr<tsdb::SampleIterator> it = set->At().Iterator();
    if (!it->Next()) continue;
    min_time = std::min(min_time, it->AtT());
    if (!it->Seek(std::max(it->AtT(), now - ctx.lookback_delta.count()))) continue;
    do max_time = std::max(max_time, it->AtT());
    while (it->Next());
  }
  if (!set->status().ok()) return ApiError(promql::ErrorType::kInternal, set->status().message());

  std::map<std::string, uint64_t, std::less<>> by_metric, values_by_name, bytes_by_name, by_pair;
  uint64_t label_pairs = 0;
  for (const auto& [name, values] : postings) {
    values_by_name[name] = values.size();
    label_pairs += values.size();
    uint64_t bytes = 0;
    for (const auto& [value, count] : values) {
      if (name == model::kMetricName) by_metric[value] = count;
      by_pair[name + "=" + value] = count;
      bytes += value.size() * count;
    }
    bytes_by_name[name] = bytes;
  }
  if (series == 0) min_time = max_time = 0;
  ordered_json head = {
      {"numSeries", static_cast<uint64_t>(
                        ctx.registry->Value("vigil_tsdb_head_series").value_or(series))},
      {"numLabelPairs", label_pairs},
      {"chunkCount", static_cast<uint64_t>(
                         ctx.registry->Value("vigil_tsdb_head_chunks").value_or(0))},
      {"minTime", min_time},
      {"maxTime", std::max(min_time, max_time)},
  };
  return ApiSuccess({{"headStats", std::move(head)},
                     {"seriesCountByMetricName", Top(by_metric)},
                     {"labelValueCountByLabelName", Top(values_by_name)},
                     {"memoryInBytesByLabelName", Top(bytes_by_name)},
                     {"seriesCountByLabelValuePair", Top(by_pair)}});
}

}  // namespace

void AddTsdbStatusRoute(const TsdbStatusContext& ctx, http::Router* router) {
  router->Handle({"GET"}, "/api/v1/status/tsdb",
                 [ctx](const http::Request&, http::Respond respond) {
                   ctx.workers->Post([ctx, respond = std::move(respond)] {
                     respond(TsdbStatus(ctx));
                   });
                 });
}

}  // namespace vigil::app
