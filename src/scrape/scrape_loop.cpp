#include "scrape_loop.h"

#include <openssl/evp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <fstream>
#include <sstream>

#include "vigil/base/build_info.h"
#include "vigil/base/format_float.h"
#include "vigil/base/log.h"
#include "vigil/model/value.h"

namespace vigil::scrape {

namespace net = boost::asio;
using Steady = std::chrono::steady_clock;

ScrapeMetrics::ScrapeMetrics(metrics::Registry& r)
    : out_of_order(r.AddCounter("vigil_target_scrapes_sample_out_of_order_total",
                                "Total number of samples rejected due to not being out of the "
                                "expected order.")),
      duplicates(r.AddCounter("vigil_target_scrapes_sample_duplicate_timestamp_total",
                              "Total number of samples rejected due to duplicate timestamps but "
                              "different values.")),
      sample_limit_exceeded(r.AddCounter("vigil_target_scrapes_exceeded_sample_limit_total",
                                         "Total number of scrapes that hit the sample limit and "
                                         "were rejected.")),
      scrapes(r.AddCounter("vigil_target_scrapes_total", "Total number of scrapes.")),
      failed_scrapes(r.AddCounter("vigil_target_scrapes_failed_total",
                                  "Total number of scrapes that failed (target down).")),
      violations(r.AddCounterFamily(
          "vigil_target_exposition_violations_total",
          "Exposition format violations that Prometheus tolerates (ingested unless the job is "
          "strict), per target.",
          {"scrape_job", "target"})),
      append_duration(r.AddHistogram("vigil_target_scrape_append_duration_seconds",
                                     "Time to parse and append one scrape.",
                                     metrics::ExponentialBuckets(0.0001, 4, 8))) {}

namespace {

std::string ReadSecretFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace

struct ScrapeLoop::Impl : std::enable_shared_from_this<ScrapeLoop::Impl> {
  Impl(const LoopEnv& e, TargetSpec t, std::shared_ptr<const config::ScrapeConfig> c,
       std::shared_ptr<TlsContext> tls)
      : env(e),
        target(std::move(t)),
        config(std::move(c)),
        strand(net::make_strand(e.loop->context())),
        timer(strand),
        scraper(e.loop->context(), std::move(tls), config->http.tls_config.server_name,
                !config->http.tls_config.insecure_skip_verify),
        report(target.labels) {
    status.discovered_labels = target.discovered_with_defaults;
    status.labels = target.labels;
    status.scrape_pool = config->job_name;
    status.scrape_url = target.Url();
    status.scrape_interval = target.interval;
    status.scrape_timeout = target.timeout;
    request.https = target.scheme == "https";
    auto [host, port] = SplitHostPort(target.address);
    request.host = host;
    request.port = port;
    std::string url = status.scrape_url;
    size_t path_start = url.find('/', url.find("://") + 3);
    request.target = path_start == std::string::npos ? "/" : url.substr(path_start);
    request.timeout = target.timeout;
    request.body_limit = config->body_size_limit;
    violations = &e.metrics->violations.With({config->job_name, std::string(target.labels.Get("instance"))});
  }

  // Prometheus's offset: spread targets over the interval by their hash.
  Duration InitialDelay() const {
    int64_t interval = target.interval.count();
    int64_t now = env.clock->Now();
    int64_t base = interval - now % interval;
    int64_t offset = static_cast<int64_t>((target.Hash() ^ env.offset_seed) %
                                          static_cast<uint64_t>(interval));
    int64_t next = base + offset;
    if (next > interval) next -= interval;
    return Duration(next);
  }

  void Start() {
    net::dispatch(strand, [self = shared_from_this()] {
      self->next_tick = Steady::now() + self->InitialDelay();
      self->Arm();
    });
  }

  void Arm() {
    if (stopped) return;
    timer.expires_at(next_tick);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      self->Scrape();
    });
  }

  std::vector<std::pair<std::string, std::string>> Headers() const {
    std::vector<std::pair<std::string, std::string>> h = {
        {"Accept", std::string(expfmt::ScrapeAcceptHeader())},
        {"Accept-Encoding", "gzip"},
        {"User-Agent", "vigil/" + std::string(build_info::Version())},
        {"X-Prometheus-Scrape-Timeout-Seconds",
         FormatFloat(std::chrono::duration<double>(target.timeout).count())}};
    const config::HttpClientConfig& http = config->http;
    if (http.basic_auth) {
      std::string password = http.basic_auth->password_file.empty()
                                 ? http.basic_auth->password.Reveal()
                                 : ReadSecretFile(http.basic_auth->password_file);
      h.emplace_back("Authorization",
                     "Basic " + Base64(http.basic_auth->username + ":" + password));
    } else if (http.authorization) {
      std::string credentials = http.authorization->credentials_file.empty()
                                    ? http.authorization->credentials.Reveal()
                                    : ReadSecretFile(http.authorization->credentials_file);
      h.emplace_back("Authorization", http.authorization->type + " " + credentials);
    }
    return h;
  }

  void Scrape() {
    in_flight = true;
    TimestampMs ts = env.clock->Now();
    Steady::time_point started = Steady::now();
    request.headers = Headers();
    scraper.Get(request, [self = shared_from_this(), ts, started](Result<ScrapeResponse> r) {
      self->env.workers->Post([self, ts, started, r = std::move(r)]() mutable {
        self->Process(std::move(r), ts, started);
      });
    });
  }

  // Worker thread: append the scrape, staleness markers and report series.
  void Process(Result<ScrapeResponse> response, TimestampMs ts, Steady::time_point started) {
    std::unique_lock<std::mutex> lock(cache_mu);
    if (stop_requested) {
      // Stopped while the request was in flight; the cache may belong to a
      // successor loop by now.
      lock.unlock();
      net::post(strand, [self = shared_from_this()] { self->AfterScrape(); });
      return;
    }
    Steady::time_point append_start = Steady::now();
    ScrapeInput in{response.status(),
                   response.ok() ? std::string_view(response->body) : std::string_view(),
                   response.ok() ? std::string_view(response->content_type) : std::string_view(),
                   ts, std::chrono::duration<double>(append_start - started).count()};
    ScrapeOutcome out = CommitScrape(in, target.labels, *config, &cache, &report, env.storage);
    lock.unlock();

    env.metrics->scrapes.Inc();
    if (!out.error.ok()) env.metrics->failed_scrapes.Inc();
    if (out.error.message() == "sample limit exceeded") env.metrics->sample_limit_exceeded.Inc();
    env.metrics->out_of_order.Inc(static_cast<double>(out.stats.out_of_order));
    env.metrics->duplicates.Inc(static_cast<double>(out.stats.duplicates));
    violations->Inc(static_cast<double>(out.stats.semantic_violations));
    env.metrics->append_duration.Observe(
        std::chrono::duration<double>(Steady::now() - append_start).count());
    {
      std::lock_guard<std::mutex> slock(status_mu);
      status.health = out.error.ok() ? TargetHealth::kUp : TargetHealth::kDown;
      status.last_error = out.error.ok() ? "" : out.error.message();
      status.last_scrape = ts;
      status.last_scrape_duration_seconds = in.duration_seconds;
      status.last_samples = out.stats.scraped;
      status.last_exposition_violations = out.stats.semantic_violations;
      // A new snapshot only when the metadata changed, so readers can keep theirs.
      if (out.error.ok() && (!status.metadata || *status.metadata != out.stats.metadata)) {
        status.metadata =
            std::make_shared<const MetadataByFamily>(std::move(out.stats.metadata));
      }
    }
    net::post(strand, [self = shared_from_this()] { self->AfterScrape(); });
  }

  void AfterScrape() {
    in_flight = false;
    if (stopped) {
      if (stale_on_stop) ScheduleEndOfRunStaleness();
      return;
    }
    // Ticks missed while a slow scrape ran are skipped, as a Go ticker drops them.
    Steady::time_point now = Steady::now();
    do {
      next_tick += target.interval;
    } while (next_tick <= now);
    Arm();
  }

  void Stop(bool stale_markers) {
    {
      std::lock_guard<std::mutex> lock(cache_mu);
      stop_requested = true;
    }
    net::dispatch(strand, [self = shared_from_this(), stale_markers] {
      if (self->stopped) return;
      self->stopped = true;
      self->stale_on_stop = stale_markers;
      self->timer.cancel();
      self->scraper.Cancel();
      if (!self->in_flight && stale_markers) self->ScheduleEndOfRunStaleness();
    });
  }

  // Marks every live series stale when the next scrape would have been.
  void ScheduleEndOfRunStaleness() {
    Steady::time_point when = next_tick;
    if (when < Steady::now()) when = Steady::now();
    TimestampMs stale_ts =
        env.clock->Now() +
        std::chrono::duration_cast<std::chrono::milliseconds>(when - Steady::now()).count();
    timer.expires_at(when);
    timer.async_wait([self = shared_from_this(), stale_ts](boost::system::error_code) {
      self->env.workers->Post([self, stale_ts] { self->WriteEndOfRunStaleness(stale_ts); });
    });
  }

  void WriteEndOfRunStaleness(TimestampMs ts) {
    std::lock_guard<std::mutex> lock(cache_mu);
    std::unique_ptr<tsdb::Appender> app = env.storage->NewAppender();
    cache.ForEachLive([&](tsdb::SeriesRef ref, std::string_view series_text) {
      AppendStaleMarker(app.get(), ref, series_text, target.labels, *config, ts);
    });
    report.AppendStale(app.get(), ts);
    if (vigil::Status s = app->Commit(); !s.ok()) {
      log::Error("Writing staleness markers failed", {{"target", status.scrape_url},
                                                     {"err", s.message()}});
    }
  }

  const LoopEnv env;
  const TargetSpec target;
  const std::shared_ptr<const config::ScrapeConfig> config;
  net::strand<net::io_context::executor_type> strand;
  net::steady_timer timer;      // strand only
  HttpScraper scraper;          // strand only
  ScrapeRequest request;        // strand only
  Steady::time_point next_tick;  // strand only
  bool in_flight = false;        // strand only
  bool stopped = false;          // strand only
  bool stale_on_stop = false;    // strand only
  metrics::Counter* violations;

  std::mutex cache_mu;
  bool stop_requested = false;                      // guarded by cache_mu
  SeriesCache cache;                                // guarded by cache_mu
  ReportSeries report;                              // guarded by cache_mu

  mutable std::mutex status_mu;
  TargetStatus status;  // guarded by status_mu
};

ScrapeLoop::ScrapeLoop(const LoopEnv& env, TargetSpec target,
                       std::shared_ptr<const config::ScrapeConfig> config,
                       std::shared_ptr<TlsContext> tls)
    : impl_(std::make_shared<Impl>(env, std::move(target), std::move(config), std::move(tls))) {}

ScrapeLoop::~ScrapeLoop() = default;

void ScrapeLoop::Start() { impl_->Start(); }

void ScrapeLoop::Stop(bool stale_markers) { impl_->Stop(stale_markers); }

void ScrapeLoop::AdoptCache(ScrapeLoop& previous) {
  std::scoped_lock lock(previous.impl_->cache_mu, impl_->cache_mu);
  impl_->cache = std::move(previous.impl_->cache);
}

TargetStatus ScrapeLoop::Status() const {
  std::lock_guard<std::mutex> lock(impl_->status_mu);
  return impl_->status;
}

const TargetSpec& ScrapeLoop::target() const { return impl_->target; }

}  // namespace vigil::scrape
