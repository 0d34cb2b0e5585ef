// Test helpers for the engine: a TestStorage over testing::MemoryStorage.
#pragma once

#include <memory>

#include "memory_storage.h"
#include "vigil/promql/test_runner.h"

namespace vigil::promql {

class MemoryTestStorage : public TestStorage {
 public:
  tsdb::Appendable& appendable() override { return storage_; }
  tsdb::Queryable& queryable() override { return storage_; }
  testing::MemoryStorage& storage() { return storage_; }

 private:
  testing::MemoryStorage storage_;
};

inline StorageFactory MemoryStorageFactory() {
  return []() -> Result<std::unique_ptr<TestStorage>> {
    return std::unique_ptr<TestStorage>(std::make_unique<MemoryTestStorage>());
  };
}

}  // namespace vigil::promql
