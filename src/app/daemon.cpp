#include "daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <filesystem>

#include "vigil/base/build_info.h"
#include "vigil/base/event_loop.h"
#include "vigil/base/log.h"
#include "vigil/base/worker_pool.h"
#include "vigil/http/instrument.h"
#include "vigil/http/server.h"
#include "vigil/promql/engine.h"
#include "vigil/notify/forwarder.h"
#include "vigil/rules/manager.h"
#include "vigil/scrape/manager.h"
#include "vigil/tsdb/db.h"
#include "api_admin.h"
#include "api_federate.h"
#include "api_metadata.h"
#include "api_alertmanager.h"
#include "api_query.h"
#include "api_rules.h"
#include "api_status.h"
#include "api_tsdb_status.h"
#include "notify_wiring.h"
#include "web_routes.h"

namespace vigil::app {
namespace {

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status PrepareDataDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return IoError("cannot create data directory " + path + ": " + ec.message());
  std::filesystem::path probe = std::filesystem::path(path) / ".vigil-write-test";
  if (FILE* f = std::fopen(probe.c_str(), "w")) {
    std::fclose(f);
    std::filesystem::remove(probe, ec);
    return Status::Ok();
  }
  return IoError("data directory " + path + " is not writable");
}

}  // namespace

Daemon::Daemon(ServeOptions options)
    : options_(std::move(options)),
      reload_success_(registry_.AddGauge("vigil_config_last_reload_successful",
                                         "Whether the last configuration reload attempt was "
                                         "successful.")),
      reload_timestamp_(registry_.AddGauge("vigil_config_last_reload_success_timestamp_seconds",
                                           "Timestamp of the last successful configuration "
                                           "reload.")) {
  metrics::RegisterProcessMetrics(registry_);
  registry_
      .AddGaugeFamily("vigil_build_info", "A metric with a constant '1' value labeled by version, "
                                          "revision and compiler from which vigil was built.",
                      {"version", "revision", "compiler"})
      .With({std::string(build_info::Version()), std::string(build_info::Revision()),
             std::string(build_info::Compiler())})
      .Set(1);
  registry_.AddGaugeFunc("vigil_ready", "Whether vigil has started and serves requests.",
                         [this] { return ready_.load() ? 1.0 : 0.0; });
}

Daemon::~Daemon() = default;

std::shared_ptr<const config::Config> Daemon::CurrentConfig() const {
  std::lock_guard<std::mutex> lock(config_mu_);
  return config_;
}

Status Daemon::Reload() {
  Result<std::shared_ptr<const config::Config>> loaded =
      config::LoadConfigFile(options_.config_file);
  Status s = loaded.ok() ? Apply(Status::Ok(), *loaded) : Apply(loaded.status(), nullptr);
  if (!s.ok()) {
    log::Error("Error reloading config; keeping the previous one",
               {{"file", options_.config_file}, {"err", s.message()}});
  }
  return s;
}

Status Daemon::Apply(Status status, std::shared_ptr<const config::Config> config) {
  auto start = std::chrono::steady_clock::now();
  for (const auto& [name, apply] : reloaders_) {
    if (!status.ok()) break;
    status = apply(*config).WithPrefix(name);
  }
  if (!status.ok()) {
    reload_success_.Set(0);
    return status;
  }
  {
    std::lock_guard<std::mutex> lock(config_mu_);
    config_ = config;
  }
  reload_success_.Set(1);
  reload_timestamp_.Set(NowSeconds());
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  log::Info("Completed loading of configuration file",
            {{"file", options_.config_file},
             {"scrape_configs", config->scrape_configs.size()},
             {"duration_ms", ms}});
  return Status::Ok();
}

int Daemon::Run() {
  const TimestampMs start_time = SystemClock().Now();
  log::Info("Starting vigil", {{"version", build_info::Version()},
                               {"revision", build_info::Revision()}});
  Result<std::shared_ptr<const config::Config>> initial =
      config::LoadConfigFile(options_.config_file);
  if (!initial.ok()) {
    log::Error("Cannot start: invalid configuration", {{"err", initial.status().message()}});
    return 1;
  }
  if (Status s = PrepareDataDir(options_.storage_path); !s.ok()) {
    log::Error("Cannot start", {{"err", s.message()}});
    return 1;
  }
  tsdb::Options db_options;
  db_options.registry = &registry_;
  db_options.retention_time_ms = options_.retention_time.count();
  db_options.retention_size_bytes = static_cast<uint64_t>(options_.retention_size_bytes);
  Result<std::unique_ptr<tsdb::DB>> db = tsdb::DB::Open(options_.storage_path, db_options);
  if (!db.ok()) {
    log::Error("Cannot open the storage", {{"path", options_.storage_path},
                                           {"err", db.status().message()}});
    return 1;
  }

  EventLoop loop;
  WorkerPool workers(options_.worker_threads);
  SystemClock clock;
  scrape::Manager scrape_manager(loop, workers, **db, registry_, clock);
  reloaders_ = {{"scrape", [&scrape_manager](const config::Config& c) {
                   return scrape_manager.ApplyConfig(c);
                 }}};
  promql::EngineOptions engine_options;
  engine_options.lookback_delta = options_.query_lookback_delta;
  engine_options.timeout = options_.query_timeout;
  engine_options.max_samples = options_.query_max_samples;
  engine_options.max_concurrency = options_.query_max_concurrency;
  engine_options.default_subquery_step = (*initial)->global.evaluation_interval;
  promql::Engine engine(engine_options);
  Result<std::unique_ptr<Notifications>> notifications = Notifications::Open(
      {.dir = (std::filesystem::path(options_.storage_path) / "notify").string(),
       .clock = &clock,
       .registry = &registry_,
       .integrations = {.loop = &loop, .workers = &workers},
       .external_url = options_.external_url});
  if (!notifications.ok()) {
    log::Error("Cannot open the notification state",
               {{"err", notifications.status().message()}});
    return 1;
  }
  reloaders_.push_back({"notify", [&notifications](const config::Config& c) {
                          return (*notifications)->ApplyConfig(c);
                        }});
  // Alerts also go to the external Alertmanagers of `alerting.alertmanagers`.
  notify::Forwarder forwarder(loop, registry_, {});
  (*notifications)->AddSink(&forwarder);
  reloaders_.push_back({"forwarder", [&forwarder](const config::Config& c) {
                          forwarder.ApplyConfig(c);
                          return Status::Ok();
                        }});
  rules::Manager rules_manager(loop, workers, engine, **db, **db, &(*notifications)->sink(),
                               registry_,
                               clock,
                               {.resend_delay = options_.rules_resend_delay,
                                .outage_tolerance = options_.rules_for_outage_tolerance,
                                .for_grace_period = options_.rules_for_grace_period,
                                .external_url = options_.external_url});
  reloaders_.push_back({"rules", [&rules_manager](const config::Config& c) {
                          return rules_manager.ApplyConfig(c);
                        }});
  // Queries get threads of their own so a heavy one never delays scrapes.
  WorkerPool query_workers(options_.worker_threads);
  http::Router router;
  AddRulesRoutes(&rules_manager, &router);
  AddAlertmanagerRoutes({.dispatcher = &(*notifications)->dispatcher(),
                         .silences = &(*notifications)->silences(),
                         .workers = &workers,
                         .clock = &clock,
                         .config = [this] { return CurrentConfig(); },
                         .start_ms = start_time},
                        &router);
  AddQueryRoutes({.storage = db->get(), .engine = &engine, .workers = &query_workers,
                  .clock = &clock,
                  .canceled = &registry_.AddCounter(
                      "vigil_api_queries_canceled_total",
                      "Queries stopped because the client closed the connection.")},
                 &router);
  AddStatusRoutes({.flags = &options_.flag_values, .registry = &registry_,
                   .start_time = start_time,
                   .storage_retention = StorageRetentionText(options_.retention_time,
                                                             options_.retention_size_bytes)},
                  &router);
  AddTsdbStatusRoute({.storage = db->get(), .workers = &query_workers, .clock = &clock,
                      .registry = &registry_, .lookback_delta = options_.query_lookback_delta},
                     &router);
  AddMetadataRoutes(&scrape_manager, &router);
  AddAdminRoutes({.db = db->get(), .data_dir = options_.storage_path, .workers = &query_workers,
                  .enabled = options_.enable_admin_api},
                 &router);
  AddFederateRoute({.storage = db->get(), .workers = &query_workers, .clock = &clock,
                    .lookback_delta = options_.query_lookback_delta,
                    .external_labels =
                        [this] {
                          auto c = CurrentConfig();  // null until the first config is applied
                          return c ? c->global.external_labels
                                   : std::map<std::string, std::string>();
                        }},
                   &router);
  AddWebRoutes(
      WebContext{
          .registry = &registry_,
          .ready = &ready_,
          .enable_lifecycle = options_.enable_lifecycle,
          .reload =
              [this](std::function<void(const Status&)> done) {
                control_.Push({ControlEvent::Kind::kReload, std::move(done)});
              },
          .quit = [this] { control_.Push({ControlEvent::Kind::kShutdown, nullptr}); },
          .config = [this] { return CurrentConfig(); },
          .scrape = &scrape_manager,
      },
      &router);

  http::ServerOptions server_options;
  server_options.listen_address = options_.listen_address;
  server_options.read_timeout = options_.read_timeout;
  server_options.idle_timeout = options_.read_timeout;
  server_options.max_connections = options_.max_connections;
  http::Server server(loop, server_options, std::move(router),
                      http::MakeMetricsObserver(registry_, "vigil"));
  if (Status s = server.Start(); !s.ok()) {
    log::Error("Cannot start the web server", {{"err", s.message()}});
    return 1;
  }

  boost::asio::signal_set signals(loop.context(), SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [this, &signals, &on_signal](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          control_.Push({ControlEvent::Kind::kReload, nullptr});
        } else {
          log::Info("Received shutdown signal", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
          control_.Push({ControlEvent::Kind::kShutdown, nullptr});
        }
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  loop.Start(options_.io_threads);
  if (Status s = Apply(Status::Ok(), *initial); !s.ok()) {
    log::Error("Cannot start: the configuration cannot be applied", {{"err", s.message()}});
    server.StopAccepting();
    server.CloseAll();
    server.WaitIdle(std::chrono::seconds(1));
    loop.Stop();
    loop.Join();
    return 1;
  }
  (*notifications)->Start();
  ready_ = true;
  log::Info("Server is ready to receive web requests", {{"address", server.LocalAddress()}});

  for (;;) {
    ControlEvent event = control_.Pop();
    if (event.kind == ControlEvent::Kind::kShutdown) break;
    Status s = Reload();
    if (event.done) event.done(s);
  }

  ready_ = false;
  auto deadline = options_.shutdown_timeout;
  log::Info("Stopping web server", {{"timeout", FormatDuration(deadline)}});
  server.StopAccepting();
  if (!server.WaitIdle(deadline)) {
    log::Warn("Requests still running at the shutdown deadline; closing them",
              {{"connections", server.OpenConnections()}});
  }
  server.CloseAll();
  server.WaitIdle(std::chrono::seconds(1));
  log::Info("Stopping scrape manager");
  scrape_manager.Stop();
  log::Info("Stopping rule manager");
  rules_manager.Stop();
  log::Info("Stopping notification dispatcher");
  (*notifications)->Stop();
  forwarder.Stop();  // needs the loop: requests in flight finish or time out
  workers.Join();  // scrapes being appended finish and commit
  query_workers.Join();
  boost::system::error_code ignored;
  signals.cancel(ignored);
  loop.Stop();
  loop.Join();
  db->reset();  // flushes and closes the storage
  log::Info("See you next time!");
  return 0;
}

}  // namespace vigil::app
