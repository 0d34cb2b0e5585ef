#include "families.h"

namespace vigil::expfmt::internal {
namespace {

constexpr std::string_view kCounter[] = {"_total", "_created"};
constexpr std::string_view kSummary[] = {"", "_count", "_sum", "_created"};
constexpr std::string_view kHistogram[] = {"_bucket", "_count", "_sum", "_created"};
constexpr std::string_view kGaugeHistogram[] = {"_bucket", "_gcount", "_gsum"};
constexpr std::string_view kInfo[] = {"_info"};
constexpr std::string_view kBare[] = {""};

constexpr std::string_view kTextSummary[] = {"", "_sum", "_count"};
constexpr std::string_view kTextHistogram[] = {"", "_sum", "_count", "_bucket"};

}  // namespace

std::span<const std::string_view> OpenMetricsSuffixes(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return kCounter;
    case MetricType::kSummary:
      return kSummary;
    case MetricType::kHistogram:
      return kHistogram;
    case MetricType::kGaugeHistogram:
      return kGaugeHistogram;
    case MetricType::kInfo:
      return kInfo;
    default:
      return kBare;
  }
}

std::span<const std::string_view> TextSuffixes(MetricType type) {
  switch (type) {
    case MetricType::kSummary:
      return kTextSummary;
    case MetricType::kHistogram:
      return kTextHistogram;
    default:
      return kBare;
  }
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
    case MetricType::kGaugeHistogram:
      return "gaugehistogram";
    case MetricType::kSummary:
      return "summary";
    case MetricType::kInfo:
      return "info";
    case MetricType::kStateset:
      return "stateset";
    case MetricType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace vigil::expfmt::internal
