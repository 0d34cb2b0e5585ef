// Binary operators: scalar/scalar, vector/scalar and vector/vector with
// on/ignoring, group_left/group_right, bool, and the set operators, as
// Prometheus 2.42's VectorBinop / VectorscalarBinop / VectorAnd|Or|Unless.
// vector op scalar runs series by series (VectorScalarBySeries), the rest
// step by step.
#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "evaluator.h"
#include "go_strings.h"

namespace vigil::promql::internal {
namespace {

bool ShouldDropMetricName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSub:
    case BinaryOp::kMul:
    case BinaryOp::kDiv:
    case BinaryOp::kPow:
    case BinaryOp::kMod:
      return true;
    default:
      return false;
  }
}

// The value and whether a comparison keeps the element.
std::pair<double, bool> ElemBinop(BinaryOp op, double l, double r) {
  switch (op) {
    case BinaryOp::kAdd: return {l + r, true};
    case BinaryOp::kSub: return {l - r, true};
    case BinaryOp::kMul: return {l * r, true};
    case BinaryOp::kDiv: return {l / r, true};
    case BinaryOp::kPow: return {std::pow(l, r), true};
    case BinaryOp::kMod: return {std::fmod(l, r), true};
    case BinaryOp::kAtan2: return {std::atan2(l, r), true};
    case BinaryOp::kEqlc: return {l, l == r};
    case BinaryOp::kNeq: return {l, l != r};
    case BinaryOp::kGtr: return {l, l > r};
    case BinaryOp::kLss: return {l, l < r};
    case BinaryOp::kGte: return {l, l >= r};
    case BinaryOp::kLte: return {l, l <= r};
    default: return {0, false};
  }
}

// The labels the match is made on, encoded as a key.
std::string Signature(const model::Labels& l, const VectorMatching& m) {
  std::string key;
  if (m.on) {
    for (const std::string& name : m.matching_labels) {
      std::string_view v = l.Get(name);
      key.append(name).push_back('\xff');
      key.append(v).push_back('\xff');
    }
    return key;
  }
  for (const model::Label& lab : l) {
    if (lab.name == model::kMetricName) continue;
    bool ignored = false;
    for (const std::string& name : m.matching_labels) ignored = ignored || name == lab.name;
    if (ignored) continue;
    key.append(lab.name).push_back('\xff');
    key.append(lab.value).push_back('\xff');
  }
  return key;
}

// labels.Labels.String() in Go: {__name__="x", a="b"}.
std::string GoLabelsString(const model::Labels& l) {
  std::string out = "{";
  bool first = true;
  for (const model::Label& lab : l) {
    if (!first) out += ", ";
    first = false;
    out.append(lab.name).append("=").append(GoQuote(lab.value));
  }
  return out + "}";
}

// The matched labels as Prometheus prints them in the many-to-many error.
model::Labels MatchLabels(const model::Labels& l, const VectorMatching& m) {
  model::LabelsBuilder b;
  for (const model::Label& lab : l) {
    bool listed = false;
    for (const std::string& name : m.matching_labels) listed = listed || name == lab.name;
    if (m.on ? listed : (!listed && lab.name != model::kMetricName)) b.Set(lab.name, lab.value);
  }
  return b.Build();
}

model::Labels ResultMetric(const model::Labels& lhs, const model::Labels& rhs, BinaryOp op,
                           const VectorMatching& m) {
  model::LabelsBuilder b(lhs);
  if (ShouldDropMetricName(op)) b.Del(model::kMetricName);
  if (m.card == Cardinality::kOneToOne) {
    if (m.on) {
      model::LabelsBuilder kept;
      for (const std::string& name : m.matching_labels) {
        std::string_view v = b.Get(name);
        if (!v.empty()) kept.Set(name, v);
      }
      b = kept;
    } else {
      for (const std::string& name : m.matching_labels) b.Del(name);
    }
  }
  for (const std::string& name : m.include) {
    std::string_view v = rhs.Get(name);
    if (!v.empty()) {
      b.Set(name, v);
    } else {
      b.Del(name);
    }
  }
  return b.Build();
}

// The signature hash of `l` for matching, memoized in `memo`.
uint64_t SignatureHash(const model::Labels& l, const VectorMatching& m,
                       std::unordered_map<uint64_t, uint64_t>* memo) {
  uint64_t h = l.Hash();
  auto it = memo->find(h);
  if (it != memo->end()) return it->second;
  uint64_t sig = std::hash<std::string>{}(Signature(l, m));
  memo->emplace(h, sig);
  return sig;
}

const model::Labels& DroppedName(const model::Labels& l, LabelCache* cache) {
  uint64_t h = l.Hash();
  auto it = cache->labels.find(h);
  if (it == cache->labels.end()) it = cache->labels.emplace(h, DropMetricName(l)).first;
  return it->second;
}

}  // namespace

double ScalarBinop(BinaryOp op, double l, double r) {
  auto [v, keep] = ElemBinop(op, l, r);
  if (IsComparisonOperator(op)) return keep ? 1 : 0;
  return v;
}

Status VectorBinop(BinaryOp op, const Vector& lhs_in, const Vector& rhs_in,
                   const VectorMatching& m, bool return_bool, LabelCache* cache, Vector* out) {
  const bool swap = m.card == Cardinality::kOneToMany;
  const Vector& lhs = swap ? rhs_in : lhs_in;
  const Vector& rhs = swap ? lhs_in : rhs_in;
  auto& lhs_memo = swap ? cache->rhs_key : cache->lhs_key;
  auto& rhs_memo = swap ? cache->lhs_key : cache->rhs_key;
  std::unordered_map<uint64_t, const Sample*> right;
  right.reserve(rhs.size());
  for (const Sample& rs : rhs) {
    auto [it, inserted] = right.try_emplace(SignatureHash(rs.labels, m, &rhs_memo), &rs);
    if (!inserted) {
      return ExecError("found duplicate series for the match group " +
                       GoLabelsString(MatchLabels(rs.labels, m)) + " on the " +
                       (swap ? "left" : "right") + " hand-side of the operation: [" +
                       GoLabelsString(rs.labels) + ", " + GoLabelsString(it->second->labels) +
                       "];many-to-many matching not allowed: matching labels must be unique "
                       "on one side");
    }
  }
  std::unordered_map<uint64_t, std::unordered_set<uint64_t>> matched;
  for (const Sample& ls : lhs) {
    uint64_t sig = SignatureHash(ls.labels, m, &lhs_memo);
    auto it = right.find(sig);
    if (it == right.end()) continue;
    const Sample& rs = *it->second;
    double vl = ls.v, vr = rs.v;
    if (swap) std::swap(vl, vr);
    auto [value, keep] = ElemBinop(op, vl, vr);
    if (return_bool) {
      value = keep ? 1 : 0;
    } else if (!keep) {
      continue;
    }
    uint64_t lh = ls.labels.Hash(), rh = rs.labels.Hash();
    uint64_t key = lh ^ (rh + 0x9e3779b97f4a7c15ULL + (lh << 6) + (lh >> 2));
    auto mit = cache->labels.find(key);
    if (mit == cache->labels.end()) {
      model::Labels metric = ResultMetric(ls.labels, rs.labels, op, m);
      if (return_bool) metric = DropMetricName(metric);
      mit = cache->labels.emplace(key, std::move(metric)).first;
    }
    const model::Labels& metric = mit->second;
    auto sit = matched.find(sig);
    if (m.card == Cardinality::kOneToOne) {
      if (sit != matched.end()) {
        return ExecError(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      }
      matched.emplace(sig, std::unordered_set<uint64_t>{});
    } else {
      if (sit == matched.end()) sit = matched.emplace(sig, std::unordered_set<uint64_t>{}).first;
      if (!sit->second.insert(metric.Hash()).second) {
        return ExecError("multiple matches for labels: grouping labels must ensure unique matches");
      }
    }
    out->push_back({metric, ls.t, value});
  }
  return Status::Ok();
}

// The value of `v op scalar` (`scalar op v` when swap), or nothing when a
// comparison filters the element out.
std::optional<double> VectorScalarValue(BinaryOp op, double v, double scalar, bool swap,
                                        bool return_bool) {
  double lv = v, rv = scalar;
  if (swap) std::swap(lv, rv);
  auto [value, keep] = ElemBinop(op, lv, rv);
  if (IsComparisonOperator(op) && swap) value = rv;
  if (return_bool) return keep ? 1 : 0;
  if (!keep) return std::nullopt;
  return value;
}

void VectorScalarBinop(BinaryOp op, const Vector& lhs, double scalar, bool swap,
                       bool return_bool, LabelCache* cache, Vector* out) {
  const bool drop = ShouldDropMetricName(op) || return_bool;
  for (const Sample& s : lhs) {
    std::optional<double> value = VectorScalarValue(op, s.v, scalar, swap, return_bool);
    if (!value.has_value()) continue;
    out->push_back({drop ? DroppedName(s.labels, cache) : s.labels, s.t, *value});
  }
}

void SetBinop(BinaryOp op, const Vector& lhs, const Vector& rhs, const VectorMatching& m,
              LabelCache* cache, Vector* out) {
  auto lsig = [&](const Sample& s) { return SignatureHash(s.labels, m, &cache->lhs_key); };
  auto rsig = [&](const Sample& s) { return SignatureHash(s.labels, m, &cache->rhs_key); };
  switch (op) {
    case BinaryOp::kAnd: {
      if (lhs.empty() || rhs.empty()) return;
      std::unordered_set<uint64_t> sigs;
      for (const Sample& s : rhs) sigs.insert(rsig(s));
      for (const Sample& s : lhs) {
        if (sigs.count(lsig(s)) != 0) out->push_back(s);
      }
      return;
    }
    case BinaryOp::kOr: {
      if (lhs.empty() || rhs.empty()) {
        out->insert(out->end(), lhs.begin(), lhs.end());
        out->insert(out->end(), rhs.begin(), rhs.end());
        return;
      }
      std::unordered_set<uint64_t> sigs;
      for (const Sample& s : lhs) {
        sigs.insert(lsig(s));
        out->push_back(s);
      }
      for (const Sample& s : rhs) {
        if (sigs.count(rsig(s)) == 0) out->push_back(s);
      }
      return;
    }
    case BinaryOp::kUnless: {
      if (lhs.empty() || rhs.empty()) {
        out->insert(out->end(), lhs.begin(), lhs.end());
        return;
      }
      std::unordered_set<uint64_t> sigs;
      for (const Sample& s : rhs) sigs.insert(rsig(s));
      for (const Sample& s : lhs) {
        if (sigs.count(lsig(s)) == 0) out->push_back(s);
      }
      return;
    }
    default:
      return;
  }
}

Status Evaluator::BinaryStep(const BinaryExpr& e, LabelCache* cache,
                             std::span<const Vector> args, size_t step, Vector* out) {
  TimestampMs ts = StepTime(step);
  ValueType lt = e.lhs->type(), rt = e.rhs->type();
  if (lt == ValueType::kScalar && rt == ValueType::kScalar) {
    if (args[0].empty() || args[1].empty()) return Status::Ok();
    out->push_back({model::Labels(), ts, ScalarBinop(e.op, args[0][0].v, args[1][0].v)});
    return Status::Ok();
  }
  if (lt == ValueType::kVector && rt == ValueType::kVector) {
    static const VectorMatching kDefault;
    const VectorMatching& m = e.matching ? *e.matching : kDefault;
    if (IsSetOperator(e.op)) {
      SetBinop(e.op, args[0], args[1], m, cache, out);
      return Status::Ok();
    }
    return VectorBinop(e.op, args[0], args[1], m, e.return_bool, cache, out);
  }
  if (lt == ValueType::kVector) {
    if (args[1].empty()) return Status::Ok();
    VectorScalarBinop(e.op, args[0], args[1][0].v, false, e.return_bool, cache, out);
  } else {
    if (args[0].empty()) return Status::Ok();
    VectorScalarBinop(e.op, args[1], args[0][0].v, true, e.return_bool, cache, out);
  }
  return Status::Ok();
}

Result<std::optional<Matrix>> Evaluator::VectorScalarBySeries(const BinaryExpr& e,
                                                              std::vector<Matrix>& mats) {
  const bool swap = e.lhs->type() == ValueType::kScalar;
  Matrix& vec = mats[swap ? 1 : 0];
  const Matrix& scalar = mats[swap ? 0 : 1];
  const int64_t input_points = CountPoints(vec) + CountPoints(scalar);
  const size_t steps = NumSteps();
  // The scalar at each step (a step without one gives no output).
  std::vector<double> scalar_at(steps, 0);
  std::vector<bool> has_scalar(steps, false);
  if (!scalar.empty()) {
    for (const Point& p : scalar[0].points) {
      scalar_at[StepOf(p.t)] = p.v;
      has_scalar[StepOf(p.t)] = true;
    }
  }
  const bool drop = ShouldDropMetricName(e.op) || e.return_bool;
  Matrix out;
  out.reserve(vec.size());
  int64_t produced = 0;
  for (size_t j = 0; j < vec.size(); ++j) {
    if ((j & 255) == 255) VIGIL_RETURN_IF_ERROR(CheckInterrupt());
    Series& in = vec[j];
    if (in.points.empty()) continue;
    Series s;
    // Points are at step times in order: walk the steps alongside them.
    size_t step = StepOf(in.points[0].t);
    TimestampMs step_t = StepTime(step);
    for (const Point& p : in.points) {
      while (step_t < p.t) {
        ++step;
        step_t += interval_;
      }
      if (!has_scalar[step]) continue;
      std::optional<double> v = VectorScalarValue(e.op, p.v, scalar_at[step], swap, e.return_bool);
      if (v.has_value()) s.points.push_back({p.t, *v});
    }
    if (s.points.empty()) continue;
    produced += static_cast<int64_t>(s.points.size());
    s.labels = drop ? DropMetricName(in.labels) : std::move(in.labels);
    out.push_back(std::move(s));
  }
  if (drop && ContainsSameLabelset(out)) return std::optional<Matrix>();
  // RangeEval's order: by the first step with a value, then input order.
  std::stable_sort(out.begin(), out.end(), [](const Series& a, const Series& b) {
    return a.points[0].t < b.points[0].t;
  });
  VIGIL_RETURN_IF_ERROR(AddSamples(produced));
  VIGIL_RETURN_IF_ERROR(AddSamples(-input_points));
  return std::optional<Matrix>(std::move(out));
}

Result<Matrix> Evaluator::EvalBinary(const BinaryExpr& e) {
  const Expr* args[] = {e.lhs.get(), e.rhs.get()};
  LabelCache cache;
  auto step_fn = [&](std::span<const Vector> v, size_t step, Vector* out) {
    return BinaryStep(e, &cache, v, step, out);
  };
  const ValueType lt = e.lhs->type(), rt = e.rhs->type();
  if ((lt == ValueType::kVector && rt == ValueType::kScalar) ||
      (lt == ValueType::kScalar && rt == ValueType::kVector)) {
    VIGIL_ASSIGN_OR_RETURN(std::vector<Matrix> mats, EvalArgs(args));
    VIGIL_ASSIGN_OR_RETURN(std::optional<Matrix> by_series, VectorScalarBySeries(e, mats));
    if (by_series.has_value()) return std::move(*by_series);
    return RangeEvalMatrices(std::move(mats), step_fn);
  }
  return RangeEval(args, step_fn);
}

}  // namespace vigil::promql::internal
