// Serve: runs the demo app until SIGINT or SIGTERM, then shuts it down
// cleanly (stop accepting, drain, close).
// Thread-safety: call from the main thread; blocks until a signal arrives.
#pragma once

#include "app.h"
#include "vigil/base/status.h"

namespace vigil::demo {

// Fails when the app cannot start (bad address, port in use); OK after a
// clean shutdown.
Status Serve(const AppOptions& options);

}  // namespace vigil::demo
