#include <gtest/gtest.h>

#include "vigil/base/result.h"

namespace vigil {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  VIGIL_ASSIGN_OR_RETURN(int h, Half(n));
  return Half(h);
}

TEST(Status, OkAndError) {
  EXPECT_TRUE(Status().ok());
  Status s = NotFound("no such file");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not found: no such file");
  EXPECT_EQ(s.WithPrefix("open x").message(), "open x: no such file");
  EXPECT_TRUE(Status().WithPrefix("p").ok());
}

TEST(Result, ValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "3 is odd");
}

}  // namespace
}  // namespace vigil
