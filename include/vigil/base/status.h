// Status: the outcome of an operation that can fail, as a value.
//
// A Status is either OK or carries a code and a message. Errors cross module
// boundaries as Status or Result<T> (result.h); library exceptions and error
// codes are converted at the edge of the module that calls the library.
// Thread-safety: a Status is an immutable value; copies are independent.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace vigil {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad input from a user, file, client or peer
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kOutOfRange,
  kResourceExhausted,  // a limit was hit
  kDeadlineExceeded,
  kCancelled,
  kUnavailable,  // a peer or resource is down; retrying may help
  kUnimplemented,  // a feature vigil does not support
  kIoError,
  kCorruption,
  kInternal,  // a broken invariant
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // OK.
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // Empty for OK.
  const std::string& message() const;

  // "<code name>: <message>", or "OK".
  std::string ToString() const;

  // A copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  // Null when OK, so the common case costs one pointer and no allocation.
  std::shared_ptr<const State> state_;
};

inline Status InvalidArgument(std::string msg) {
  return Status(StatusCode::kInvalidArgument, std::move(msg));
}
inline Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
inline Status FailedPrecondition(std::string msg) {
  return Status(StatusCode::kFailedPrecondition, std::move(msg));
}
inline Status ResourceExhausted(std::string msg) {
  return Status(StatusCode::kResourceExhausted, std::move(msg));
}
inline Status Unavailable(std::string msg) {
  return Status(StatusCode::kUnavailable, std::move(msg));
}
inline Status Unimplemented(std::string msg) {
  return Status(StatusCode::kUnimplemented, std::move(msg));
}
inline Status IoError(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }
inline Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

// Returns early from the enclosing function when `expr` is not OK.
#define VIGIL_RETURN_IF_ERROR(expr)              \
  do {                                           \
    ::vigil::Status vigil_status_ = (expr);      \
    if (!vigil_status_.ok()) return vigil_status_; \
  } while (0)

}  // namespace vigil
