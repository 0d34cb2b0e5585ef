#include "serve_options.h"

#include <boost/program_options.hpp>
#include <sstream>

namespace vigil::app {

namespace po = boost::program_options;

Result<ServeCommandLine> ParseServeFlags(const std::vector<std::string>& args) {
  ServeCommandLine out;
  ServeOptions& o = out.options;
  std::string log_level = "info", log_format = "logfmt";
  std::string read_timeout = "5m", shutdown_timeout = "10s";
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
      ("web.shutdown-timeout", po::value(&shutdown_timeout)->default_value(shutdown_timeout),
       "How long in-flight requests may run after a shutdown signal.")
      ("storage.tsdb.path", po::value(&o.storage_path)->default_value(o.storage_path),
       "Base path for metrics storage.")
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
  VIGIL_ASSIGN_OR_RETURN(o.log_level, log::ParseLevel(log_level));
  VIGIL_ASSIGN_OR_RETURN(o.log_format, log::ParseFormat(log_format));
  Result<Duration> rt = ParseDuration(read_timeout);
  if (!rt.ok()) return rt.status().WithPrefix("--web.read-timeout");
  o.read_timeout = *rt;
  Result<Duration> st = ParseDuration(shutdown_timeout);
  if (!st.ok()) return st.status().WithPrefix("--web.shutdown-timeout");
  o.shutdown_timeout = *st;
  return out;
}

}  // namespace vigil::app
