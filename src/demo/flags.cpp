#include "flags.h"

#include <boost/program_options.hpp>
#include <exception>
#include <sstream>

#include "vigil/base/duration.h"

namespace vigil::demo {
namespace {

namespace po = boost::program_options;

constexpr char kUsage[] =
    "Usage: vigil-demo [flags]          serve the demo app\n"
    "       vigil-demo load [flags]     send load to a demo app (see vigil-demo load --help)\n";
constexpr char kLoadUsage[] =
    "Usage: vigil-demo load --rate=R --duration=D --target=http://host:port [flags]\n";

struct LogFlags {
  std::string level = "info";
  std::string format = "json";
};

void AddLogFlags(LogFlags* flags, po::options_description* desc) {
  // clang-format off
  desc->add_options()
      ("log.level", po::value(&flags->level)->default_value(flags->level),
       "Only log messages at or above this level: debug, info, warn, error.")
      ("log.format", po::value(&flags->format)->default_value(flags->format),
       "Log line format: logfmt or json.");
  // clang-format on
}

Status ApplyLogFlags(const LogFlags& flags, CommandLine* cl) {
  Result<log::Level> level = log::ParseLevel(flags.level);
  if (!level.ok()) return level.status().WithPrefix("--log.level");
  Result<log::Format> format = log::ParseFormat(flags.format);
  if (!format.ok()) return format.status().WithPrefix("--log.format");
  cl->log_level = *level;
  cl->log_format = *format;
  return Status::Ok();
}

std::string HelpText(const char* usage, const po::options_description& desc) {
  std::ostringstream out;
  out << usage << "\n" << desc;
  return out.str();
}

// Parses `args` against `desc`; true when --help was given. Throws po::error.
bool Parse(const std::vector<std::string>& args, const po::options_description& desc) {
  po::parsed_options parsed = po::command_line_parser(args).options(desc).run();
  std::vector<std::string> stray = po::collect_unrecognized(parsed.options, po::include_positional);
  if (!stray.empty()) throw po::error("unexpected argument '" + stray.front() + "'");
  po::variables_map vm;
  po::store(parsed, vm);
  if (vm.count("help") > 0) return true;
  po::notify(vm);
  return false;
}

Result<CommandLine> ParseServe(const std::vector<std::string>& args) {
  CommandLine cl;
  cl.mode = CommandLine::Mode::kServe;
  std::string latency = "0s";
  LogFlags log_flags;
  po::options_description desc("Flags");
  // clang-format off
  desc.add_options()
      ("help,h", "Show this help.")
      ("web.listen-address",
       po::value(&cl.app.listen_address)->default_value(cl.app.listen_address),
       "Address to listen on, host:port.")
      ("error-rate", po::value(&cl.app.error_rate)->default_value(0),
       "Fraction (0..1) of / requests answered 500, to simulate a bad release.")
      ("latency", po::value(&latency)->default_value(latency),
       "Delay added to every / request, as a duration (20ms, 1s).")
      ("version-label", po::value(&cl.app.version_label)->default_value(cl.app.version_label),
       "The version label of demo_build_info (e.g. stable, canary).");
  // clang-format on
  AddLogFlags(&log_flags, &desc);
  if (Parse(args, desc)) {
    cl.mode = CommandLine::Mode::kHelp;
    cl.help = HelpText(kUsage, desc);
    return cl;
  }
  Result<Duration> parsed_latency = ParseDuration(latency);
  if (!parsed_latency.ok()) return parsed_latency.status().WithPrefix("--latency");
  cl.app.latency = *parsed_latency;
  VIGIL_RETURN_IF_ERROR(ValidateAppOptions(cl.app));
  VIGIL_RETURN_IF_ERROR(ApplyLogFlags(log_flags, &cl));
  return cl;
}

Result<CommandLine> ParseLoad(const std::vector<std::string>& args) {
  CommandLine cl;
  cl.mode = CommandLine::Mode::kLoad;
  cl.load.stop_on_signals = true;
  std::string duration;
  LogFlags log_flags;
  po::options_description desc("Flags");
  // clang-format off
  desc.add_options()
      ("help,h", "Show this help.")
      ("rate", po::value(&cl.load.rate)->required(),
       "Requests per second (at most 10000).")
      ("duration", po::value(&duration)->required(),
       "How long to send, as a duration (30s, 5m; at most 1h).")
      ("target", po::value(&cl.load.target)->required(),
       "The demo app to load, http://host:port.")
      ("boom-ratio", po::value(&cl.load.boom_ratio)->default_value(cl.load.boom_ratio, "0.1"),
       "Fraction (0..1) of requests sent to /boom instead of /.")
      ("concurrency", po::value(&cl.load.concurrency)->default_value(cl.load.concurrency),
       "Keep-alive connections to use (1..256).");
  // clang-format on
  AddLogFlags(&log_flags, &desc);
  if (Parse(args, desc)) {
    cl.mode = CommandLine::Mode::kHelp;
    cl.help = HelpText(kLoadUsage, desc);
    return cl;
  }
  Result<Duration> parsed_duration = ParseDuration(duration);
  if (!parsed_duration.ok()) return parsed_duration.status().WithPrefix("--duration");
  cl.load.duration = *parsed_duration;
  VIGIL_RETURN_IF_ERROR(ValidateLoadOptions(cl.load));
  VIGIL_RETURN_IF_ERROR(ApplyLogFlags(log_flags, &cl));
  return cl;
}

}  // namespace

Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  try {
    if (!args.empty() && args[0] == "load") {
      return ParseLoad(std::vector<std::string>(args.begin() + 1, args.end()));
    }
    return ParseServe(args);
  } catch (const std::exception& e) {
    return InvalidArgument(e.what());
  }
}

}  // namespace vigil::demo
