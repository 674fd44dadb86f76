// Test-only: paths of the committed instrument fixtures and shipped definitions.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "orp/proms/instrument_loader.h"

namespace orp::proms::testing {

inline std::filesystem::path SourceDir() {
  const char* dir = std::getenv("ORP_SOURCE_DIR");
  return dir != nullptr ? std::filesystem::path(dir) : std::filesystem::path(".");
}

// A fixture under test/data/proms/, loaded or the test fails.
inline Instrument Fixture(const std::string& name) {
  auto loaded = LoadInstrumentFile(SourceDir() / "test/data/proms" / name);
  EXPECT_TRUE(loaded.has_value()) << (loaded ? "" : loaded.error().message());
  return loaded ? *loaded : Instrument();
}

}  // namespace orp::proms::testing
