// Aggregations with by/without, as Prometheus 2.42's aggregation(): groups
// in order of first appearance, and Go's heap for topk/bottomk ties. The
// folding ones (sum, avg, count, ...: aggregate_accumulator.h) run over all
// steps at once (eval_aggregate_fold.cpp); topk, bottomk, quantile and
// count_values, which need each step's whole vector, run step by step here.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "aggregate_accumulator.h"
#include "aggregate_grouping.h"
#include "evaluator.h"
#include "go_sort.h"
#include "math_util.h"

namespace vigil::promql::internal {

std::string GroupingKey(const model::Labels& l, const std::vector<std::string>& grouping,
                        bool without) {
  std::string key;
  if (without) {
    for (const model::Label& lab : l) {
      if (lab.name == model::kMetricName) continue;
      if (std::find(grouping.begin(), grouping.end(), lab.name) != grouping.end()) continue;
      key.append(lab.name).push_back('\xff');
      key.append(lab.value).push_back('\xff');
    }
    return key;
  }
  for (const std::string& name : grouping) {
    key.append(name).push_back('\xff');
    key.append(l.Get(name)).push_back('\xff');
  }
  return key;
}

model::Labels GroupLabels(const model::Labels& l, const std::vector<std::string>& grouping,
                          bool without) {
  model::LabelsBuilder b;
  for (const model::Label& lab : l) {
    bool listed = std::find(grouping.begin(), grouping.end(), lab.name) != grouping.end();
    if (without ? (!listed && lab.name != model::kMetricName) : listed) {
      b.Set(lab.name, lab.value);
    }
  }
  return b.Build();
}

namespace {

// A group of topk, bottomk, quantile (heap) or count_values (acc) at one step.
struct Group {
  model::Labels labels;
  Accumulator acc;
  std::vector<Sample> heap;
};

bool TopLess(const Sample& a, const Sample& b) { return std::isnan(a.v) || a.v < b.v; }
bool BottomLess(const Sample& a, const Sample& b) { return std::isnan(a.v) || a.v > b.v; }

}  // namespace

double Quantile(double q, std::vector<double>& values) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  std::sort(values.begin(), values.end(), [](double a, double b) {
    if (std::isnan(a)) return !std::isnan(b);
    return a < b;
  });
  double n = static_cast<double>(values.size());
  double rank = q * (n - 1);
  double lower = std::max(0.0, std::floor(rank));
  double upper = std::min(n - 1, lower + 1);
  double weight = rank - std::floor(rank);
  return values[static_cast<size_t>(lower)] * (1 - weight) +
         values[static_cast<size_t>(upper)] * weight;
}

Status Evaluator::AggregateStep(const AggregateExpr& e, LabelCache* cache,
                                std::span<const Vector> args, size_t step, Vector* out) {
  const Vector& vec = args[1];
  std::vector<std::string> grouping = e.grouping;
  std::sort(grouping.begin(), grouping.end());
  int64_t k = 0;
  double q = 0;
  std::string value_label;
  if (e.op == AggregateOp::kTopk || e.op == AggregateOp::kBottomk) {
    double f = args[0].empty() ? 0 : args[0][0].v;
    if (!(f >= -9.223372036854775808e18 && f <= 9.223372036854775807e18)) {
      return ExecError("Scalar value " + FormatGoFloat(f) + " overflows int64");
    }
    k = static_cast<int64_t>(f);
    if (k < 1) return Status::Ok();
  } else if (e.op == AggregateOp::kQuantile) {
    q = args[0].empty() ? 0 : args[0][0].v;
  } else if (e.op == AggregateOp::kCountValues) {
    const Expr* p = e.param.get();
    while (const auto* paren = AsIf<ParenExpr>(p)) p = paren->expr.get();
    value_label = As<StringLiteral>(*p).value;
    if (!model::IsValidLabelName(value_label)) {
      return ExecError("invalid label name \"" + value_label + "\"");
    }
    if (!e.without) {
      grouping.push_back(value_label);
      std::sort(grouping.begin(), grouping.end());
    }
  }
  std::unordered_map<uint64_t, size_t> index;
  std::vector<Group> groups;
  for (const Sample& s : vec) {
    // The group of this series: memoized per series, except for
    // count_values whose grouping depends on the value.
    const std::pair<uint64_t, model::Labels>* group;
    std::pair<uint64_t, model::Labels> uncached;
    if (e.op == AggregateOp::kCountValues) {
      model::LabelsBuilder b(s.labels);
      b.Set(value_label, FormatGoFloatF(s.v));
      model::Labels metric = b.Build();
      uncached = {std::hash<std::string>{}(GroupingKey(metric, grouping, e.without)),
                  GroupLabels(metric, grouping, e.without)};
      group = &uncached;
    } else {
      uint64_t h = s.labels.Hash();
      auto git = cache->groups.find(h);
      if (git == cache->groups.end()) {
        git = cache->groups
                  .emplace(h, std::make_pair(
                                  std::hash<std::string>{}(GroupingKey(s.labels, grouping, e.without)),
                                  GroupLabels(s.labels, grouping, e.without)))
                  .first;
      }
      group = &git->second;
    }
    auto [it, inserted] = index.try_emplace(group->first, groups.size());
    if (inserted) {
      Group g;
      g.labels = group->second;
      if (e.op == AggregateOp::kCountValues) {
        g.acc.Add(e.op, s.v);
      } else {
        g.heap.push_back({s.labels, 0, s.v});
      }
      groups.push_back(std::move(g));
      continue;
    }
    Group& g = groups[it->second];
    switch (e.op) {
      case AggregateOp::kCountValues:
        g.acc.Add(e.op, s.v);
        break;
      case AggregateOp::kTopk:
        if (static_cast<int64_t>(g.heap.size()) < k || g.heap[0].v < s.v ||
            std::isnan(g.heap[0].v)) {
          if (static_cast<int64_t>(g.heap.size()) == k) {
            if (k == 1) {
              g.heap[0] = {s.labels, 0, s.v};
              break;
            }
            GoHeapPop(g.heap, TopLess);
          }
          GoHeapPush(g.heap, Sample{s.labels, 0, s.v}, TopLess);
        }
        break;
      case AggregateOp::kBottomk:
        if (static_cast<int64_t>(g.heap.size()) < k || g.heap[0].v > s.v ||
            std::isnan(g.heap[0].v)) {
          if (static_cast<int64_t>(g.heap.size()) == k) {
            if (k == 1) {
              g.heap[0] = {s.labels, 0, s.v};
              break;
            }
            GoHeapPop(g.heap, BottomLess);
          }
          GoHeapPush(g.heap, Sample{s.labels, 0, s.v}, BottomLess);
        }
        break;
      default:  // quantile
        g.heap.push_back({s.labels, 0, s.v});
        break;
    }
  }
  TimestampMs ts = StepTime(step);
  for (Group& g : groups) {
    switch (e.op) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk: {
        auto less = e.op == AggregateOp::kTopk ? TopLess : BottomLess;
        if (g.heap.size() > 1) {
          GoSort(g.heap, [&](const Sample& a, const Sample& b) { return less(b, a); });
        }
        for (Sample& s : g.heap) out->push_back({std::move(s.labels), ts, s.v});
        break;
      }
      case AggregateOp::kQuantile: {
        std::vector<double> values;
        values.reserve(g.heap.size());
        for (const Sample& s : g.heap) values.push_back(s.v);
        out->push_back({std::move(g.labels), ts, Quantile(q, values)});
        break;
      }
      default:  // count_values
        out->push_back({std::move(g.labels), ts, g.acc.Result(e.op)});
        break;
    }
  }
  return Status::Ok();
}

Result<Matrix> Evaluator::EvalAggregate(const AggregateExpr& e) {
  if (IsFoldingAggregation(e.op)) return EvalFoldingAggregate(e);
  const Expr* param = e.param.get();
  if (param != nullptr && param->type() == ValueType::kString) param = nullptr;
  const Expr* args[] = {param, e.expr.get()};
  LabelCache cache;
  return RangeEval(args, [&](std::span<const Vector> v, size_t step, Vector* out) {
    return AggregateStep(e, &cache, v, step, out);
  });
}

}  // namespace vigil::promql::internal
