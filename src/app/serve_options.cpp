#include "serve_options.h"

#include <boost/program_options.hpp>
#include <charconv>
#include <limits>
#include <sstream>

namespace vigil::app {

namespace po = boost::program_options;

namespace {

// "512MB", "10GB", "1TB": Prometheus's base-2 units (B, KB, MB, GB, TB, PB, EB).
Result<int64_t> ParseByteSize(const std::string& text) {
  static const std::pair<const char*, int> kUnits[] = {{"EB", 60}, {"PB", 50}, {"TB", 40},
                                                       {"GB", 30}, {"MB", 20}, {"KB", 10},
                                                       {"B", 0}};
  for (const auto& [unit, shift] : kUnits) {
    std::string_view u(unit);
    if (text.size() > u.size() && text.compare(text.size() - u.size(), u.size(), u) == 0) {
      std::string digits = text.substr(0, text.size() - u.size());
      int64_t n = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) break;
      if (n > (std::numeric_limits<int64_t>::max() >> shift)) break;
      return n << shift;
    }
  }
  return InvalidArgument("invalid size \"" + text + "\" (want e.g. 512MB, 10GB)");
}

// A parsed flag's value as text: strings as they are, numbers in decimal,
// switches as "true"/"false".
std::string FlagText(const boost::any& value) {
  if (const auto* s = boost::any_cast<std::string>(&value)) return *s;
  if (const auto* b = boost::any_cast<bool>(&value)) return *b ? "true" : "false";
  if (const auto* n = boost::any_cast<size_t>(&value)) return std::to_string(*n);
  if (const auto* n = boost::any_cast<int64_t>(&value)) return std::to_string(*n);
  if (const auto* n = boost::any_cast<int>(&value)) return std::to_string(*n);
  return "";
}

}  // namespace

Result<ServeCommandLine> ParseServeFlags(const std::vector<std::string>& args) {
  ServeCommandLine out;
  ServeOptions& o = out.options;
  std::string log_level = "info", log_format = "logfmt";
  std::string read_timeout = "5m", shutdown_timeout = "10s";
  std::string retention_time, retention_size;
  std::string lookback = "5m", query_timeout = "2m";
  std::string resend_delay = "1m", outage_tolerance = "1h", grace_period = "10m";
  po::options_description desc("Flags of vigil serve");
  desc.add_options()
      ("help,h", "Show this help.")
      ("config.file", po::value(&o.config_file)->default_value(o.config_file),
       "vigil configuration file path.")
      ("web.listen-address", po::value(&o.listen_address)->default_value(o.listen_address),
       "Address to listen on for the UI, API, and telemetry.")
      ("web.read-timeout", po::value(&read_timeout)->default_value(read_timeout),
       "Maximum duration before timing out read of the request, and closing idle connections.")
      ("web.max-connections", po::value(&o.max_connections)->default_value(o.max_connections),
       "Maximum number of simultaneous connections.")
      ("web.enable-lifecycle", po::bool_switch(&o.enable_lifecycle),
       "Enable shutdown and reload via HTTP request (POST /-/quit, POST /-/reload).")
      ("web.enable-admin-api", po::bool_switch(&o.enable_admin_api),
       "Enable API endpoints for admin control actions (delete_series, clean_tombstones, "
       "snapshot).")
      ("web.shutdown-timeout", po::value(&shutdown_timeout)->default_value(shutdown_timeout),
       "How long in-flight requests may run after a shutdown signal.")
      ("storage.tsdb.path", po::value(&o.storage_path)->default_value(o.storage_path),
       "Base path for metrics storage.")
      ("storage.tsdb.retention.time", po::value(&retention_time),
       "How long to retain samples in storage. Defaults to 15d when no size limit is set.")
      ("storage.tsdb.retention.size", po::value(&retention_size),
       "Maximum number of bytes that can be stored for blocks, e.g. 512MB, 10GB (base 2).")
      ("query.lookback-delta", po::value(&lookback)->default_value(lookback),
       "The maximum lookback duration for retrieving metrics during expression evaluations.")
      ("query.timeout", po::value(&query_timeout)->default_value(query_timeout),
       "Maximum time a query may take before being aborted.")
      ("query.max-samples", po::value(&o.query_max_samples)->default_value(o.query_max_samples),
       "Maximum number of samples a single query can load into memory.")
      ("query.max-concurrency",
       po::value(&o.query_max_concurrency)->default_value(o.query_max_concurrency),
       "Maximum number of queries executed concurrently.")
      ("rules.alert.resend-delay", po::value(&resend_delay)->default_value(resend_delay),
       "Minimum amount of time to wait before resending an alert to the notifier.")
      ("rules.alert.for-outage-tolerance",
       po::value(&outage_tolerance)->default_value(outage_tolerance),
       "Max time to tolerate vigil outage for restoring \"for\" state of alert.")
      ("rules.alert.for-grace-period", po::value(&grace_period)->default_value(grace_period),
       "Minimum duration between alert and restored \"for\" state. This is maintained only "
       "for alerts with configured \"for\" time greater than grace period.")
      ("web.external-url", po::value(&o.external_url),
       "The URL under which vigil is externally reachable (alerts' generator URLs).")
      ("log.level", po::value(&log_level)->default_value(log_level),
       "Only log messages with the given severity or above: debug, info, warn, error.")
      ("log.format", po::value(&log_format)->default_value(log_format),
       "Output format of log messages: logfmt, json.");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).style(
                  po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return InvalidArgument(e.what());
  }
  std::ostringstream help;
  help << desc;
  out.help_text = help.str();
  out.help = vm.count("help") > 0;
  for (const auto& option : desc.options()) {
    const std::string& name = option->long_name();
    if (name == "help") continue;
    o.flag_values[name] = vm.count(name) ? FlagText(vm[name].value()) : "";
  }
  VIGIL_ASSIGN_OR_RETURN(o.log_level, log::ParseLevel(log_level));
  VIGIL_ASSIGN_OR_RETURN(o.log_format, log::ParseFormat(log_format));
  Result<Duration> rt = ParseDuration(read_timeout);
  if (!rt.ok()) return rt.status().WithPrefix("--web.read-timeout");
  o.read_timeout = *rt;
  Result<Duration> st = ParseDuration(shutdown_timeout);
  if (!st.ok()) return st.status().WithPrefix("--web.shutdown-timeout");
  o.shutdown_timeout = *st;
  Result<Duration> lb = ParseDuration(lookback);
  if (!lb.ok() || lb->count() <= 0) return InvalidArgument("--query.lookback-delta: bad duration");
  o.query_lookback_delta = *lb;
  Result<Duration> qt = ParseDuration(query_timeout);
  if (!qt.ok() || qt->count() <= 0) return InvalidArgument("--query.timeout: bad duration");
  o.query_timeout = *qt;
  struct DurationFlag {
    const char* name;
    const std::string& text;
    Duration& out;
  };
  for (const DurationFlag& f :
       {DurationFlag{"--rules.alert.resend-delay", resend_delay, o.rules_resend_delay},
        DurationFlag{"--rules.alert.for-outage-tolerance", outage_tolerance,
                     o.rules_for_outage_tolerance},
        DurationFlag{"--rules.alert.for-grace-period", grace_period, o.rules_for_grace_period}}) {
    Result<Duration> d = ParseDuration(f.text);
    if (!d.ok()) return d.status().WithPrefix(f.name);
    f.out = *d;
  }
  while (!o.external_url.empty() && o.external_url.back() == '/') o.external_url.pop_back();
  if (!retention_size.empty()) {
    Result<int64_t> bytes = ParseByteSize(retention_size);
    if (!bytes.ok()) return bytes.status().WithPrefix("--storage.tsdb.retention.size");
    o.retention_size_bytes = *bytes;
    if (retention_time.empty()) o.retention_time = Duration(0);  // size alone, as Prometheus
  }
  if (!retention_time.empty()) {
    Result<Duration> t = ParseDuration(retention_time);
    if (!t.ok()) return t.status().WithPrefix("--storage.tsdb.retention.time");
    o.retention_time = *t;
  }
  return out;
}

}  // namespace vigil::app
