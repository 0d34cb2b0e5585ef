// Exposition parser throughput: MB/s and samples/s on the corpus's large
// real bodies and on generated node_exporter-like and histogram-heavy ones.
// "Warm" reads Series() and Value() per sample, as a scrape loop whose
// series cache already knows every series; "Cold" also decodes Labels().
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "vigil/expfmt/parser.h"
#include "vigil/model/labels.h"

namespace vigil::expfmt {
namespace {

std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(VIGIL_EXPOSITION_SAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// About 10k series shaped like node_exporter's output.
std::string NodeExporterBody() {
  std::string b;
  auto family = [&](const std::string& name, const char* type) {
    b += "# HELP " + name + " Generated metric " + name + ".\n# TYPE " + name + " " + type + "\n";
  };
  family("node_cpu_seconds_total", "counter");
  const char* modes[] = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
  for (int cpu = 0; cpu < 64; ++cpu) {
    for (const char* mode : modes) {
      b += "node_cpu_seconds_total{cpu=\"" + std::to_string(cpu) + "\",mode=\"" + mode + "\"} " +
           std::to_string(123456.78 + cpu * 17.31) + "\n";
    }
  }
  const char* net[] = {"node_network_receive_bytes_total",   "node_network_transmit_bytes_total",
                       "node_network_receive_packets_total", "node_network_transmit_packets_total",
                       "node_network_receive_errs_total",    "node_network_transmit_drop_total"};
  for (const char* name : net) {
    family(name, "counter");
    for (int dev = 0; dev < 400; ++dev) {
      b += std::string(name) + "{device=\"veth" + std::to_string(dev * 7919) + "\"} " +
           std::to_string(9.87654321e9 + dev) + "\n";
    }
  }
  const char* fs[] = {"node_filesystem_avail_bytes", "node_filesystem_size_bytes",
                      "node_filesystem_files_free", "node_filesystem_readonly"};
  for (const char* name : fs) {
    family(name, "gauge");
    for (int m = 0; m < 500; ++m) {
      b += std::string(name) + "{device=\"/dev/mapper/vg0-lv" + std::to_string(m) +
           "\",fstype=\"ext4\",mountpoint=\"/var/lib/containers/storage/overlay/" +
           std::to_string(m * 104729) + "/merged\"} " + std::to_string(1.234567e11 + m) + "\n";
    }
  }
  family("node_disk_io_time_seconds_total", "counter");
  for (int d = 0; d < 2488; ++d) {
    b += "node_disk_io_time_seconds_total{device=\"nvme" + std::to_string(d) + "n1\"} " +
         std::to_string(d * 0.001) + "\n";
  }
  return b;
}

// Histograms: 300 series of 12 buckets plus _sum and _count.
std::string HistogramBody(bool openmetrics) {
  std::string b =
      "# HELP http_request_duration_seconds Request latency.\n"
      "# TYPE http_request_duration_seconds histogram\n";
  const char* les[] = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                       "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
  for (int s = 0; s < 300; ++s) {
    std::string labels = "handler=\"/api/v1/endpoint" + std::to_string(s) +
                         "\",method=\"GET\",code=\"" + std::to_string(200 + s % 5) + "\"";
    for (int i = 0; i < 12; ++i) {
      b += "http_request_duration_seconds_bucket{" + labels + ",le=\"" + les[i] + "\"} " +
           std::to_string(1000 * (i + 1) + s) + "\n";
    }
    b += "http_request_duration_seconds_sum{" + labels + "} " + std::to_string(1234.5 + s) + "\n";
    b += "http_request_duration_seconds_count{" + labels + "} " + std::to_string(12000 + s) + "\n";
  }
  if (openmetrics) b += "# EOF\n";
  return b;
}

void Run(benchmark::State& state, const std::string& body, Format format, bool decode_labels) {
  int64_t samples = 0;
  model::Labels labels;
  for (auto _ : state) {
    std::unique_ptr<Parser> p = Parser::New(body, format);
    for (;;) {
      Result<Parser::Entry> e = p->Next();
      if (!e.ok()) {
        state.SkipWithError(e.status().ToString().c_str());
        return;
      }
      if (*e == Parser::Entry::kEnd) break;
      if (*e != Parser::Entry::kSeries) continue;
      benchmark::DoNotOptimize(p->Series().data());
      benchmark::DoNotOptimize(p->Value());
      if (decode_labels) {
        p->Labels(&labels);
        benchmark::DoNotOptimize(labels);
      }
      ++samples;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(samples), benchmark::Counter::kIsRate);
}

const std::string& PromTestData() {
  static const std::string body = ReadSample("promtestdata.txt");
  return body;
}
const std::string& ExpfmtTestData() {
  static const std::string body = ReadSample("expfmt-testdata-text.txt");
  return body;
}
const std::string& NodeBody() {
  static const std::string body = NodeExporterBody();
  return body;
}
const std::string& HistText() {
  static const std::string body = HistogramBody(false);
  return body;
}
const std::string& HistOpenMetrics() {
  static const std::string body = HistogramBody(true);
  return body;
}

void BM_ExpfmtText_PromTestData_Warm(benchmark::State& s) {
  Run(s, PromTestData(), Format::kText, false);
}
void BM_ExpfmtText_PromTestData_Cold(benchmark::State& s) {
  Run(s, PromTestData(), Format::kText, true);
}
void BM_ExpfmtText_ExpfmtTestData_Warm(benchmark::State& s) {
  Run(s, ExpfmtTestData(), Format::kText, false);
}
void BM_ExpfmtText_ExpfmtTestData_Cold(benchmark::State& s) {
  Run(s, ExpfmtTestData(), Format::kText, true);
}
void BM_ExpfmtText_NodeExporter10k_Warm(benchmark::State& s) {
  Run(s, NodeBody(), Format::kText, false);
}
void BM_ExpfmtText_NodeExporter10k_Cold(benchmark::State& s) {
  Run(s, NodeBody(), Format::kText, true);
}
void BM_ExpfmtText_Histograms_Warm(benchmark::State& s) {
  Run(s, HistText(), Format::kText, false);
}
void BM_ExpfmtText_Histograms_Cold(benchmark::State& s) { Run(s, HistText(), Format::kText, true); }
void BM_ExpfmtOpenMetrics_Histograms_Warm(benchmark::State& s) {
  Run(s, HistOpenMetrics(), Format::kOpenMetrics, false);
}
void BM_ExpfmtOpenMetrics_Histograms_Cold(benchmark::State& s) {
  Run(s, HistOpenMetrics(), Format::kOpenMetrics, true);
}

BENCHMARK(BM_ExpfmtText_PromTestData_Warm);
BENCHMARK(BM_ExpfmtText_PromTestData_Cold);
BENCHMARK(BM_ExpfmtText_ExpfmtTestData_Warm);
BENCHMARK(BM_ExpfmtText_ExpfmtTestData_Cold);
BENCHMARK(BM_ExpfmtText_NodeExporter10k_Warm);
BENCHMARK(BM_ExpfmtText_NodeExporter10k_Cold);
BENCHMARK(BM_ExpfmtText_Histograms_Warm);
BENCHMARK(BM_ExpfmtText_Histograms_Cold);
BENCHMARK(BM_ExpfmtOpenMetrics_Histograms_Warm);
BENCHMARK(BM_ExpfmtOpenMetrics_Histograms_Cold);

}  // namespace
}  // namespace vigil::expfmt
