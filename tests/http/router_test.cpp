#include "vigil/http/router.h"

#include <gtest/gtest.h>

namespace vigil::http {
namespace {

Router::Match Find(const Router& r, const std::string& method, const std::string& path,
                   Request* req) {
  req->method = method;
  req->path = path;
  return r.Find(req);
}

TEST(Router, LiteralBeatsParameter) {
  Router r;
  r.HandleSync({"GET"}, "/api/v1/:x/config", [](const Request&) { return Response(); });
  r.HandleSync({"GET"}, "/api/v1/status/config", [](const Request&) { return Response(); });
  Request req;
  auto m = Find(r, "GET", "/api/v1/status/config", &req);
  EXPECT_EQ(m.pattern, "/api/v1/status/config");
  m = Find(r, "GET", "/api/v1/other/config", &req);
  EXPECT_EQ(m.pattern, "/api/v1/:x/config");
  EXPECT_EQ(req.path_params.at("x"), "other");
}

TEST(Router, WildcardTakesTheRest) {
  Router r;
  r.HandleSync({"GET"}, "/static/*file", [](const Request&) { return Response(); });
  Request req;
  auto m = Find(r, "GET", "/static/js/app.js", &req);
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(req.path_params.at("file"), "js/app.js");
}

TEST(Router, NotFoundAndWrongMethod) {
  Router r;
  r.HandleSync({"GET", "POST"}, "/-/reload", [](const Request&) { return Response(); });
  Request req;
  EXPECT_EQ(Find(r, "GET", "/-/reloadx", &req).kind, Router::Match::Kind::kNotFound);
  EXPECT_EQ(Find(r, "GET", "/-/reload/", &req).kind, Router::Match::Kind::kNotFound);
  auto m = Find(r, "DELETE", "/-/reload", &req);
  EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, "GET, POST");
}

TEST(Message, QueryStrings) {
  auto q = ParseQueryString("match[]=up&match[]=a%3Db&x=1+2&&empty=");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1].second, "a=b");
  EXPECT_EQ(q[2].second, "1 2");
  EXPECT_EQ(q[3].first, "empty");
  EXPECT_EQ(PercentDecode("%zz%4", false), "%zz%4");
}

}  // namespace
}  // namespace vigil::http
