// The folding aggregations (sum, avg, count, group, min, max, stddev,
// stdvar) over the whole step range at once. Each input series' group is
// found once per query rather than once per step, and no per-step vector
// of labelled samples is built: each (group, step) folds the values of its
// series in series order, which is the order Prometheus's per-step
// aggregation sees them in, so sums match bit for bit. Output series come in
// the order RangeEval would give them (by first step, then by first
// appearance within it).
#include <algorithm>
#include <unordered_map>
#include <utility>

#include "aggregate_accumulator.h"
#include "aggregate_grouping.h"
#include "evaluator.h"

namespace vigil::promql::internal {

Result<Matrix> Evaluator::EvalFoldingAggregate(const AggregateExpr& e) {
  VIGIL_ASSIGN_OR_RETURN(Matrix in, Eval(*e.expr));
  const int64_t input_points = CountPoints(in);

  std::vector<std::string> grouping = e.grouping;
  std::sort(grouping.begin(), grouping.end());
  std::vector<uint32_t> group_of(in.size());
  std::vector<model::Labels> group_labels;
  {
    std::unordered_map<std::string, uint32_t> ids;
    for (size_t j = 0; j < in.size(); ++j) {
      auto [it, inserted] = ids.try_emplace(GroupingKey(in[j].labels, grouping, e.without),
                                            static_cast<uint32_t>(group_labels.size()));
      if (inserted) group_labels.push_back(GroupLabels(in[j].labels, grouping, e.without));
      group_of[j] = it->second;
    }
  }

  // One accumulator per group and step of a block of steps, filled series
  // by series, so each series' points are read in order and each
  // (group, step) still folds its values in series order. The block is the
  // whole range unless groups x steps would outgrow the input.
  const size_t steps = NumSteps();
  const size_t n_groups = group_labels.size();
  const size_t budget = std::max<size_t>(static_cast<size_t>(input_points), size_t{1} << 16);
  const size_t block = std::clamp<size_t>(budget / std::max<size_t>(n_groups, 1), 1, steps);
  std::vector<Accumulator> acc(n_groups * block);
  std::vector<size_t> cursor(in.size(), 0);
  std::vector<size_t> first_step(n_groups, steps);
  std::vector<size_t> first_series(n_groups, 0);
  std::vector<std::vector<Point>> points(n_groups);
  for (size_t block_start = 0; block_start < steps; block_start += block) {
    const size_t block_end = std::min(steps, block_start + block);
    const TimestampMs t_end = StepTime(block_end - 1);
    for (size_t j = 0; j < in.size(); ++j) {
      if ((j & 255) == 255) VIGIL_RETURN_IF_ERROR(CheckInterrupt());
      const std::vector<Point>& pts = in[j].points;
      size_t& c = cursor[j];
      if (c >= pts.size() || pts[c].t > t_end) continue;
      const uint32_t g = group_of[j];
      Accumulator* row = &acc[g * block];
      const size_t step0 = StepOf(pts[c].t);
      if (step0 < first_step[g]) {
        first_step[g] = step0;
        first_series[g] = j;
      }
      // Points are at step times in order: walk the steps alongside them
      // rather than dividing for each one.
      size_t step = step0;
      TimestampMs step_t = StepTime(step);
      for (; c < pts.size() && pts[c].t <= t_end; ++c) {
        while (step_t < pts[c].t) {
          ++step;
          step_t += interval_;
        }
        row[step - block_start].Add(e.op, pts[c].v);
      }
    }
    for (size_t g = 0; g < n_groups; ++g) {
      Accumulator* row = &acc[g * block];
      for (size_t i = 0; i < block_end - block_start; ++i) {
        if (row[i].count == 0) continue;
        points[g].push_back({StepTime(block_start + i), row[i].Result(e.op)});
        row[i] = Accumulator();
      }
    }
  }

  // RangeEval's order: by the first step with a value, then by the series
  // that brought the group into that step.
  std::vector<uint32_t> order;
  for (uint32_t g = 0; g < n_groups; ++g) {
    if (first_step[g] < steps) order.push_back(g);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::pair(first_step[a], first_series[a]) < std::pair(first_step[b], first_series[b]);
  });
  Matrix out;
  out.reserve(order.size());
  int64_t produced = 0;
  for (uint32_t g : order) {
    produced += static_cast<int64_t>(points[g].size());
    out.push_back(Series{std::move(group_labels[g]), std::move(points[g])});
  }
  VIGIL_RETURN_IF_ERROR(AddSamples(produced));
  VIGIL_RETURN_IF_ERROR(AddSamples(-input_points));
  return out;
}

}  // namespace vigil::promql::internal
